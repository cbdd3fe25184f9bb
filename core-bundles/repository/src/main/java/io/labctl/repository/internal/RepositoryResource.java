package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.modules.RepoEntry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/repo: list (read everywhere), push and remove (admin everywhere), and the content of an entry, which only
 * agents fetch, with their certificates: users never download through labd (what they push, they have).
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/repo")
@Produces(MediaType.APPLICATION_JSON)
public class RepositoryResource {
    private static final int MAX_FILE_NAME = 255;
    private final RepositoryService repository;

    @Activate
    public RepositoryResource(@Reference RepositoryService repository) {
        this.repository = repository;
    }

    @GET
    @Requires(value = Action.READ, verb = "repo.list")
    public List<RepoEntry> list() {
        return repository.list();
    }

    /**
     * The body is the file, streamed to labd. A Content-Length above the limit is refused before anything is read
     * (a client sending {@code Expect: 100-continue} then never sends the body); a chunked body is cut off there.
     */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Requires(value = Action.ADMIN, verb = "repo.push")
    public Response push(@QueryParam("file") String file, @QueryParam("name") String name,
            @QueryParam("version") String version, @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
            InputStream body, @Context SecurityContext security) {
        String fileName = fileName(file);
        if (contentLength != null && declaredLength(contentLength) > repository.maxBytes()) {
            throw Upload.tooLarge(repository.maxBytes());
        }
        Pushed pushed = repository.pushed(Caller.of(security.getUserPrincipal()).identity(), fileName, body,
                blankToNull(name), blankToNull(version));
        return Response.status(pushed.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(pushed.entry()).build();
    }

    @DELETE
    @Path("{name}/{version}")
    @Requires(value = Action.ADMIN, verb = "repo.remove")
    public RepoEntry remove(@PathParam("name") String name, @PathParam("version") String version,
            @Context SecurityContext security) {
        return repository.removed(Caller.of(security.getUserPrincipal()).identity(), name, version);
    }

    /** The bytes, streamed from the database chunk by chunk, with the SHA-256 labd computed when they came in. */
    @GET
    @Path("{name}/{version}/content")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @AgentsOnly(verb = "repo.fetch")
    public Response content(@PathParam("name") String name, @PathParam("version") String version) {
        EntryRow row = repository.existing(name, version);
        StreamingOutput bytes = out -> {
            try (InputStream in = repository.open(row.name, row.version)) {
                in.transferTo(out);
            }
        };
        return Response.ok(bytes, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(RepoEntry.SHA256_HEADER, row.sha256)
                .header(HttpHeaders.CONTENT_LENGTH, row.size)
                .build();
    }

    private static String fileName(String file) {
        if (file == null || file.isBlank()) {
            throw ApiException.badRequest("file-needed", "give the pushed file's name: POST /api/v1/repo?file=NAME"
                    + " (labctl repo push FILE does)");
        }
        String base = file.strip().replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        if (base.isEmpty() || base.length() > MAX_FILE_NAME || base.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("invalid-file-name", "file name '" + file + "' is not valid: give the file's"
                    + " own name, at most " + MAX_FILE_NAME + " characters");
        }
        return base;
    }

    private static long declaredLength(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("bad_content_length", "Content-Length is not a number");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
