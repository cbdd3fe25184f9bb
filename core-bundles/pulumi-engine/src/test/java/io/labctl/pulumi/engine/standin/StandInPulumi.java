package io.labctl.pulumi.engine.standin;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * TEST DOUBLE: stands in for the {@code pulumi} binary (no Pulumi engine can be had on the build machines). It answers
 * the commands the Pulumi Java SDK's Automation API runs ({@code version}, {@code stack select|init|output|history},
 * {@code config set}, {@code preview}, {@code up}, {@code destroy}) in the engine's formats: its human output, the
 * JSON of {@code --json}, the engine events of {@code --event-log} (one JSON object a line, ending with a cancel
 * event), "error: " lines on standard error and exit code 255 on failure.
 *
 * <p>It "deploys" a Pulumi YAML program ({@code runtime: yaml}): each entry of {@code resources:} (type and
 * properties) is kept in the stack's state in a {@code file://} backend, so a first up creates, a second up with
 * nothing changed says same, a changed property updates, a changed type replaces, a removed resource deletes and
 * destroy deletes all; the engine's own stack resource counts as the engine counts it. {@code outputs:} are kept
 * (a value under {@code fn::secret}, or one that uses a secret config value, is secret). {@code ${key}} in a string
 * is the stack's config value {@code key}. A Java program given as a jar (how labd runs apps) cannot run here; it
 * stands in as one resource (see {@code javaProgram}). Secret config values are encrypted with the passphrase from
 * PULUMI_CONFIG_PASSPHRASE (AES-GCM, key from PBKDF2 and the stack's salt), so a wrong passphrase fails as the
 * engine's does.
 *
 * <p>Knobs, as resource properties (kept out of the state): {@code standin:sleepSeconds} (the resource's create or
 * update takes that long: for locks and cancellation), {@code standin:fail} (its step fails with that message, as
 * an engine error diagnostic), {@code standin:printChars} (prints one line of that many characters). SIGINT is
 * handled as the engine does: the run stops after the step in flight, "update canceled", exit code 255. The stack
 * is locked while an update runs ("the stack is currently locked by ...").
 *
 * <p>With LABCTL_STANDIN_RECORD set, each invocation appends a JSON line to that file: argv, the environment's
 * names, whether PULUMI_CONFIG_PASSPHRASE was set (never its value), the working folder and PATH's first entry.
 */
public final class StandInPulumi {
    static final String VERSION = "v3.140.0";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Pattern REF = Pattern.compile("\\$\\{([^}]+)}");

    private final List<String> args;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private volatile boolean interrupted;
    private Path eventLog;
    private int sequence;

    private StandInPulumi(List<String> args, Map<String, String> env) {
        this.args = new ArrayList<>(args);
        this.env = env;
        this.out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        this.err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    }

    public static void main(String[] argv) {
        StandInPulumi p = new StandInPulumi(List.of(argv), System.getenv());
        int code;
        try {
            p.record();
            code = p.dispatch();
        } catch (Failure f) {
            p.err.println("error: " + f.getMessage());
            code = 255;
        } catch (Exception e) {
            p.err.println("error: " + e);
            code = 255;
        }
        System.exit(code);
    }

    /** An engine error: "error: message" on standard error, exit code 255. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private void record() throws IOException {
        String file = env.get("LABCTL_STANDIN_RECORD");
        if (file == null || file.isBlank()) {
            return;
        }
        JsonObject o = new JsonObject();
        JsonArray argv = new JsonArray();
        args.forEach(argv::add);
        o.add("argv", argv);
        JsonArray names = new JsonArray();
        new TreeSet<>(env.keySet()).forEach(names::add);
        o.add("env", names);
        o.addProperty("passphraseSet", env.containsKey("PULUMI_CONFIG_PASSPHRASE"));
        o.addProperty("cwd", Path.of("").toAbsolutePath().toString());
        o.addProperty("pathHead", env.getOrDefault("PATH", "").split(":")[0]);
        Files.writeString(Path.of(file), o + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private int dispatch() throws Exception {
        String flagStack = option("--stack");
        eventLogOption();
        List<String> words = positional();
        if (words.isEmpty()) {
            throw new Failure("the stand-in needs a command");
        }
        switch (words.get(0)) {
            case "version":
                out.println(VERSION);
                return 0;
            case "stack":
                return stack(words, flagStack);
            case "config":
                return config(words, flagStack);
            case "preview":
                return update("preview", flagStack);
            case "up":
                return update("up", flagStack);
            case "destroy":
                return update("destroy", flagStack);
            default:
                throw new Failure("unknown command \"" + words.get(0) + "\" for \"pulumi\" (the stand-in knows "
                        + "version, stack, config, preview, up, destroy)");
        }
    }

    // ---- arguments

    private String option(String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name) && i + 1 < args.size()) {
                String v = args.remove(i + 1);
                args.remove(i);
                return v;
            }
            if (a.startsWith(name + "=")) {
                args.remove(i);
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    private void eventLogOption() {
        String file = option("--event-log");
        for (String o : List.of("--exec-kind", "--secrets-provider", "--page-size", "--page", "--color")) {
            option(o);
        }
        eventLog = file == null ? null : Path.of(file);
    }

    private boolean flag(String name) {
        return args.contains(name);
    }

    /** The words that are not flags (after the valued options were taken out). */
    private List<String> positional() {
        List<String> words = new ArrayList<>();
        boolean rest = false;
        for (String a : args) {
            if (rest || !a.startsWith("-")) {
                words.add(a);
            } else if (a.equals("--")) {
                rest = true;
            }
        }
        return words;
    }

    // ---- project, backend, stacks

    private Path programDir() {
        return Path.of("").toAbsolutePath();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> project() throws Failure, IOException {
        Path file = programDir().resolve("Pulumi.yaml");
        if (!Files.isRegularFile(file)) {
            throw new Failure("no Pulumi.yaml project file found (searching upwards from " + programDir() + ")");
        }
        Object doc = new Yaml().load(Files.readString(file));
        if (!(doc instanceof Map)) {
            throw new Failure("could not read " + file + ": not a YAML mapping");
        }
        Map<String, Object> p = (Map<String, Object>) doc;
        if (!(p.get("name") instanceof String)) {
            throw new Failure("project is missing a 'name' attribute");
        }
        if (!"yaml".equals(String.valueOf(p.get("runtime"))) && javaBinary(p) == null) {
            throw new Failure("the stand-in runs only YAML programs (runtime: yaml) and Java programs given as a jar"
                    + " (runtime: {name: java, options: {binary: app.jar}}), not " + p.get("runtime"));
        }
        return p;
    }

    private Path backend() throws Failure {
        String url = env.get("PULUMI_BACKEND_URL");
        if (url == null || url.isBlank()) {
            throw new Failure("PULUMI_BACKEND_URL is not set: the stand-in never talks to Pulumi Cloud");
        }
        if (!url.startsWith("file://")) {
            throw new Failure("the stand-in supports file:// backends only, not " + url);
        }
        return Path.of(URI.create(url));
    }

    private Path stateFile(String project, String stack) throws Failure {
        return backend().resolve(".pulumi/stacks").resolve(project).resolve(stack + ".json");
    }

    private Path currentFile(String project) {
        String home = env.getOrDefault("PULUMI_HOME", System.getProperty("user.home") + "/.pulumi");
        return Path.of(home, "workspaces", project + "-" + Integer.toHexString(programDir().hashCode())
                + "-workspace.json");
    }

    private String stackName(String project, String flagStack) throws Failure, IOException {
        if (flagStack != null) {
            return flagStack;
        }
        Path current = currentFile(project);
        if (Files.isRegularFile(current)) {
            JsonObject o = GSON.fromJson(Files.readString(current), JsonObject.class);
            if (o.has("stack")) {
                return o.get("stack").getAsString();
            }
        }
        throw new Failure("no stack selected; please use `pulumi stack select` to choose one");
    }

    private void select(String project, String stack) throws IOException {
        Path current = currentFile(project);
        Files.createDirectories(current.getParent());
        JsonObject o = new JsonObject();
        o.addProperty("stack", stack);
        Files.writeString(current, GSON.toJson(o));
    }

    private JsonObject load(String project, String stack) throws Failure, IOException {
        Path f = stateFile(project, stack);
        if (!Files.isRegularFile(f)) {
            throw new Failure("no stack named '" + stack + "' found");
        }
        return GSON.fromJson(Files.readString(f), JsonObject.class);
    }

    private void save(String project, String stack, JsonObject state) throws Failure, IOException {
        Path f = stateFile(project, stack);
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, GSON.toJson(state));
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private int stack(List<String> words, String flagStack) throws Exception {
        String project = (String) project().get("name");
        String sub = words.size() > 1 ? words.get(1) : "";
        switch (sub) {
            case "select": {
                String name = flagStack != null ? flagStack : words.size() > 2 ? words.get(2) : null;
                if (name == null) {
                    throw new Failure("no stack name given to select");
                }
                load(project, name);
                select(project, name);
                return 0;
            }
            case "init": {
                String name = flagStack != null ? flagStack : words.size() > 2 ? words.get(2) : null;
                if (name == null) {
                    throw new Failure("a stack name is required");
                }
                if (Files.exists(stateFile(project, name))) {
                    throw new Failure("stack '" + name + "' already exists");
                }
                passphrase();
                JsonObject state = new JsonObject();
                state.add("resources", new JsonObject());
                state.add("outputs", new JsonObject());
                state.add("history", new JsonArray());
                state.addProperty("stackResource", false);
                save(project, name, state);
                Map<String, Object> settings = stackSettings(name);
                if (!settings.containsKey("encryptionsalt")) {
                    // as the engine: the salt, and a known text encrypted with the key, to check passphrases by
                    byte[] salt = new byte[8];
                    new SecureRandom().nextBytes(salt);
                    SecretKeySpec key = derive(salt);
                    settings.put("encryptionsalt", "v1:" + Base64.getEncoder().encodeToString(salt) + ":"
                            + seal(key, "pulumi"));
                    saveStackSettings(name, settings);
                }
                // the engine also keeps the secrets provider's state with the stack, for program folders without it
                state.addProperty("encryptionsalt", String.valueOf(settings.get("encryptionsalt")));
                save(project, name, state);
                select(project, name);
                out.println("Created stack '" + name + "'");
                return 0;
            }
            case "output": {
                String name = stackName(project, flagStack);
                JsonObject state = load(project, name);
                JsonObject outputs = state.getAsJsonObject("outputs");
                boolean show = flag("--show-secrets");
                JsonObject shown = new JsonObject();
                for (Map.Entry<String, JsonElement> e : outputs.entrySet()) {
                    JsonObject o = e.getValue().getAsJsonObject();
                    boolean secret = o.get("secret").getAsBoolean();
                    shown.add(e.getKey(), secret && !show ? new JsonPrimitive("[secret]") : o.get("value"));
                }
                if (!flag("--json")) {
                    throw new Failure("the stand-in prints stack outputs as JSON only (--json)");
                }
                out.println(GSON.toJson(shown));
                return 0;
            }
            case "history": {
                String name = stackName(project, flagStack);
                JsonArray history = load(project, name).getAsJsonArray("history");
                JsonArray newestFirst = new JsonArray();
                for (int i = history.size() - 1; i >= 0; i--) {
                    newestFirst.add(history.get(i));
                }
                out.println(GSON.toJson(newestFirst));
                return 0;
            }
            default:
                throw new Failure("unknown command \"" + sub + "\" for \"pulumi stack\" (the stand-in knows select, "
                        + "init, output, history)");
        }
    }

    // ---- config

    @SuppressWarnings("unchecked")
    private Map<String, Object> stackSettings(String stack) throws IOException {
        Path f = programDir().resolve("Pulumi." + stack + ".yaml");
        if (!Files.isRegularFile(f)) {
            return new LinkedHashMap<>();
        }
        Object doc = new Yaml().load(Files.readString(f));
        return doc instanceof Map ? new LinkedHashMap<>((Map<String, Object>) doc) : new LinkedHashMap<>();
    }

    private void saveStackSettings(String stack, Map<String, Object> settings) throws IOException {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(programDir().resolve("Pulumi." + stack + ".yaml"), new Yaml(o).dump(settings));
    }

    private String passphrase() throws Failure {
        String p = env.get("PULUMI_CONFIG_PASSPHRASE");
        if (p == null) {
            throw new Failure("constructing secrets manager of type \"passphrase\": unable to find either "
                    + "`PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE` when loading source stack");
        }
        return p;
    }

    private SecretKeySpec derive(byte[] salt) throws Exception {
        byte[] k = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(passphrase().toCharArray(), salt, 10_000, 256)).getEncoded();
        return new SecretKeySpec(k, "AES");
    }

    /** The stack's key from the passphrase, checked against the salt's known text. */
    private SecretKeySpec key(String stack) throws Exception {
        Map<String, Object> settings = stackSettings(stack);
        Object salt = settings.get("encryptionsalt");
        if (salt == null) {
            // a program folder without the stack's settings: the salt from the stack's state, written back
            JsonObject state = load((String) project().get("name"), stack);
            if (!state.has("encryptionsalt")) {
                throw new Failure("the stack '" + stack + "' has no encryptionsalt");
            }
            salt = state.get("encryptionsalt").getAsString();
            settings.put("encryptionsalt", salt);
            saveStackSettings(stack, settings);
        }
        String[] parts = String.valueOf(salt).split(":", 3);
        SecretKeySpec key = derive(Base64.getDecoder().decode(parts[1]));
        open(key, parts[2]);
        return key;
    }

    private static String seal(SecretKeySpec key, String value) throws Exception {
        byte[] iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        byte[] ct = c.doFinal(value.getBytes(StandardCharsets.UTF_8));
        return "v1:" + Base64.getEncoder().encodeToString(iv) + ":" + Base64.getEncoder().encodeToString(ct);
    }

    private static String open(SecretKeySpec key, String value) throws Exception {
        String[] parts = value.split(":");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Base64.getDecoder().decode(parts[1])));
        try {
            return new String(c.doFinal(Base64.getDecoder().decode(parts[2])), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new Failure("incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase "
                    + "or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase");
        }
    }

    private String encrypt(String stack, String value) throws Exception {
        return seal(key(stack), value);
    }

    private String decrypt(String stack, String value) throws Exception {
        return open(key(stack), value);
    }

    @SuppressWarnings("unchecked")
    private int config(List<String> words, String flagStack) throws Exception {
        String project = (String) project().get("name");
        if (words.size() < 3 || !words.get(1).equals("set")) {
            throw new Failure("the stand-in knows only `config set KEY [VALUE]`");
        }
        String stack = stackName(project, flagStack);
        load(project, stack);
        String key = words.get(2).contains(":") ? words.get(2) : project + ":" + words.get(2);
        // as the engine: the value from the command line, else (non-interactive) all of standard input
        String value = words.size() > 3 ? words.get(3)
                : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, Object> settings = stackSettings(stack);
        Map<String, Object> config = settings.get("config") instanceof Map
                ? new LinkedHashMap<>((Map<String, Object>) settings.get("config")) : new LinkedHashMap<>();
        if (flag("--secret")) {
            config.put(key, Map.of("secure", encrypt(stack, value)));
        } else {
            config.put(key, value);
        }
        settings.put("config", config);
        saveStackSettings(stack, settings);
        return 0;
    }

    /** A config value with its secretness: key as written in the program, or project-qualified. */
    private record Value(Object value, boolean secret) {
    }

    @SuppressWarnings("unchecked")
    private Map<String, Value> configValues(String project, String stack) throws Exception {
        Map<String, Value> values = new LinkedHashMap<>();
        Object c = stackSettings(stack).get("config");
        if (c instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) c).entrySet()) {
                Value v;
                if (e.getValue() instanceof Map && ((Map<String, Object>) e.getValue()).containsKey("secure")) {
                    v = new Value(decrypt(stack, String.valueOf(((Map<String, Object>) e.getValue()).get("secure"))),
                            true);
                } else {
                    v = new Value(e.getValue(), false);
                }
                values.put(e.getKey(), v);
                if (e.getKey().startsWith(project + ":")) {
                    values.put(e.getKey().substring(project.length() + 1), v);
                }
            }
        }
        return values;
    }

    // ---- the program

    /** Evaluates a program value: ${config} references, fn::secret; says whether a secret went into it. */
    @SuppressWarnings("unchecked")
    private Object eval(Object v, Map<String, Value> config, boolean[] secret) throws Failure {
        if (v instanceof String s) {
            Matcher m = REF.matcher(s);
            if (m.matches()) {
                Value c = lookup(config, m.group(1));
                secret[0] |= c.secret();
                return c.value();
            }
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                Value c = lookup(config, m.group(1));
                secret[0] |= c.secret();
                m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf(c.value())));
            }
            m.appendTail(b);
            return b.toString();
        }
        if (v instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) v;
            if (map.size() == 1 && map.containsKey("fn::secret")) {
                secret[0] = true;
                return eval(map.get("fn::secret"), config, secret);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                out.put(e.getKey(), eval(e.getValue(), config, secret));
            }
            return out;
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<Object>) v) {
                out.add(eval(o, config, secret));
            }
            return out;
        }
        return v;
    }

    private static Value lookup(Map<String, Value> config, String name) throws Failure {
        Value v = config.get(name);
        if (v == null) {
            throw new Failure("missing required configuration variable '" + name + "'");
        }
        return v;
    }

    /** One resource as the program declares it. */
    private record Declared(String name, String type, JsonObject properties, Map<String, Object> knobs) {
    }

    /** The jar of a Java program ({@code runtime: {name: java, options: {binary: JAR}}}), else null. */
    @SuppressWarnings("unchecked")
    private static String javaBinary(Map<String, Object> project) {
        if (project.get("runtime") instanceof Map<?, ?> runtime && "java".equals(runtime.get("name"))
                && runtime.get("options") instanceof Map<?, ?> options && options.get("binary") instanceof String b) {
            return b;
        }
        return null;
    }

    /**
     * A Java program cannot run here (its SDK talks to the engine over gRPC, which the stand-in does not speak), so it
     * stands in as one resource, {@code labctl:standin:JavaProgram} named after the project, whose properties are the
     * jar's digest, its Main-Class and the project's config values (a secret one as a digest of the passphrase and
     * the value, never the value): a new jar or changed inputs update it, the same ones leave it the same.
     */
    private List<Declared> javaProgram(String project, String jar, Map<String, Value> config) throws Failure {
        Path file = programDir().resolve(jar);
        String mainClass;
        byte[] bytes;
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(file.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            mainClass = m == null ? null : m.getMainAttributes().getValue("Main-Class");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Failure("could not read the program's jar " + file + ": " + e.getMessage());
        }
        if (mainClass == null) {
            throw new Failure("no main manifest attribute, in " + file);
        }
        JsonObject props = new JsonObject();
        props.addProperty("jar", sha256(bytes));
        props.addProperty("mainClass", mainClass);
        for (Map.Entry<String, Value> e : new java.util.TreeMap<>(config).entrySet()) {
            if (e.getKey().startsWith(project + ":")) {
                String key = e.getKey().substring(project.length() + 1);
                Value v = e.getValue();
                props.add(key, v.secret() ? new com.google.gson.JsonPrimitive("secret:" + sha256(
                        (passphrase() + "\0" + v.value()).getBytes(StandardCharsets.UTF_8)))
                        : GSON.toJsonTree(v.value()));
            }
        }
        return List.of(new Declared(project, "labctl:standin:JavaProgram", props, Map.of()));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Declared> resources(Map<String, Object> project, Map<String, Value> config) throws Failure {
        String jar = javaBinary(project);
        if (jar != null) {
            return javaProgram((String) project.get("name"), jar, config);
        }
        List<Declared> list = new ArrayList<>();
        Object r = project.get("resources");
        if (r == null) {
            return list;
        }
        if (!(r instanceof Map)) {
            throw new Failure("resources: must be a mapping of resource names");
        }
        for (Map.Entry<String, Object> e : ((Map<String, Object>) r).entrySet()) {
            if (!(e.getValue() instanceof Map) || !(((Map<String, Object>) e.getValue()).get("type") instanceof String)) {
                throw new Failure("resource " + e.getKey() + " has no type");
            }
            Map<String, Object> decl = (Map<String, Object>) e.getValue();
            Map<String, Object> props = decl.get("properties") instanceof Map
                    ? new LinkedHashMap<>((Map<String, Object>) decl.get("properties")) : new LinkedHashMap<>();
            Map<String, Object> knobs = new LinkedHashMap<>();
            props.keySet().removeIf(k -> {
                if (k.startsWith("standin:")) {
                    knobs.put(k, props.get(k));
                    return true;
                }
                return false;
            });
            Object evaluated = eval(props, config, new boolean[1]);
            list.add(new Declared(e.getKey(), (String) decl.get("type"), GSON.toJsonTree(evaluated).getAsJsonObject(),
                    knobs));
        }
        return list;
    }

    // ---- events and output

    private void event(String kind, JsonObject body) throws IOException {
        if (eventLog == null) {
            return;
        }
        JsonObject e = new JsonObject();
        e.addProperty("sequence", sequence++);
        e.addProperty("timestamp", Instant.now().getEpochSecond());
        e.add(kind, body);
        Files.writeString(eventLog, e + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private void stepEvent(String op, String urn, String type) throws IOException {
        JsonObject meta = new JsonObject();
        meta.addProperty("op", op);
        meta.addProperty("urn", urn);
        meta.addProperty("type", type);
        meta.addProperty("provider", "");
        JsonObject pre = new JsonObject();
        pre.add("metadata", meta);
        event("resourcePreEvent", pre);
    }

    private static String urn(String stack, String project, String type, String name) {
        return "urn:pulumi:" + stack + "::" + project + "::" + type + "::" + name;
    }

    private static final Map<String, String> SYMBOL = Map.of("create", "+", "update", "~", "delete", "-",
            "replace", "+-", "same", " ");
    private static final Map<String, String> DOING = Map.of("create", "creating", "update", "updating",
            "delete", "deleting", "replace", "replacing", "same", "");
    private static final Map<String, String> PREVIEWED = Map.of("create", "create", "update", "update",
            "delete", "delete", "replace", "replace", "same", "");
    private static final Map<String, String> DONE = Map.of("create", "created", "update", "updated",
            "delete", "deleted", "replace", "replaced", "same", "unchanged");

    // ---- preview, up, destroy

    private int update(String kind, String flagStack) throws Exception {
        long started = System.nanoTime();
        Instant start = Instant.now();
        Map<String, Object> project = project();
        String name = (String) project.get("name");
        String stack = stackName(name, flagStack);
        JsonObject state = load(name, stack);
        boolean destroy = kind.equals("destroy");
        boolean preview = kind.equals("preview") || destroy && flag("--preview-only");
        if (!preview && !flag("--yes") && !flag("--skip-preview")) {
            throw new Failure("--yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
        }
        Map<String, Value> config = configValues(name, stack);
        List<Declared> declared = destroy ? List.of() : resources(project, config);
        Path lock = null;
        if (!preview) {
            lock = backend().resolve(".pulumi/locks").resolve(name).resolve(stack + ".json");
            Files.createDirectories(lock.getParent());
            try {
                Files.writeString(lock, "{\"pid\":" + ProcessHandle.current().pid() + "}",
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw new Failure("the stack is currently locked by 1 lock(s). Either wait for the other process(es)"
                        + " to end or delete the lock file with `pulumi cancel`.\n  " + lock.toUri() + ": created by "
                        + Files.readString(lock));
            }
        }
        Path held = lock;
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> {
            if (!interrupted) {
                interrupted = true;
                out.println("^C received; cancelling. If you would like to terminate immediately, press ^C again.");
            } else {
                // a second ^C: terminate at once, as the engine does (the lock stays, as the engine's would)
                Runtime.getRuntime().halt(255);
            }
        });
        try {
            return runSteps(kind, name, stack, state, declared, config, project, preview, destroy, start, started);
        } finally {
            if (held != null) {
                Files.deleteIfExists(held);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private int runSteps(String kind, String project, String stack, JsonObject state, List<Declared> declared,
                         Map<String, Value> config, Map<String, Object> program, boolean preview, boolean destroy,
                         Instant start, long started) throws Exception {
        JsonObject prelude = new JsonObject();
        prelude.add("config", new JsonObject());
        event("preludeEvent", prelude);
        out.println((preview ? destroy ? "Previewing destroy" : "Previewing update" : destroy ? "Destroying"
                : "Updating") + " (" + stack + "):");
        out.println();
        JsonObject resources = state.getAsJsonObject("resources");
        Map<String, Integer> changes = new LinkedHashMap<>();
        String stackType = "pulumi:pulumi:Stack";
        String stackUrn = urn(stack, project, stackType, project + "-" + stack);
        boolean hadStack = state.get("stackResource").getAsBoolean();
        String stackOp = destroy ? (hadStack ? "delete" : null) : hadStack ? "same" : "create";
        if (stackOp != null && !stackOp.equals("delete")) {
            step(stackOp, stackUrn, stackType, project + "-" + stack, preview, changes);
        }
        String error = null;
        String failedUrn = null;
        // creates, updates and replaces in program order, then deletes of what the program no longer declares
        for (Declared d : declared) {
            if (interrupted) {
                break;
            }
            JsonObject old = resources.has(d.name()) ? resources.getAsJsonObject(d.name()) : null;
            String op = old == null ? "create"
                    : !old.get("type").getAsString().equals(d.type()) ? "replace"
                    : old.get("properties").equals(d.properties()) ? "same" : "update";
            String urn = urn(stack, project, d.type(), d.name());
            // the step starts (the engine prints "creating" as it begins), then takes its time or fails
            step(op, urn, d.type(), d.name(), preview, changes);
            if (!op.equals("same") && !preview) {
                Object chars = d.knobs().get("standin:printChars");
                if (chars != null) {
                    out.println("x".repeat(Integer.parseInt(String.valueOf(chars))));
                }
                Object sleep = d.knobs().get("standin:sleepSeconds");
                if (sleep != null) {
                    long until = System.nanoTime() + (long) (Double.parseDouble(String.valueOf(sleep)) * 1e9);
                    while (!interrupted && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                }
                Object fail = d.knobs().get("standin:fail");
                if (interrupted || fail != null) {
                    changes.merge(op, -1, Integer::sum);
                    changes.remove(op, 0);
                }
                if (interrupted) {
                    break; // the step in flight does not complete
                }
                if (fail != null) {
                    error = String.valueOf(eval(fail, config, new boolean[1]));
                    failedUrn = urn;
                    JsonObject diag = new JsonObject();
                    diag.addProperty("urn", urn);
                    diag.addProperty("prefix", "error: ");
                    diag.addProperty("message", error + "\n");
                    diag.addProperty("color", "never");
                    diag.addProperty("severity", "error");
                    event("diagnosticEvent", diag);
                    out.println(" " + SYMBOL.get(op) + "  " + d.type() + " " + d.name() + " " + DOING.get(op)
                            + " failed error: " + error);
                    break;
                }
            }
            if (!preview && !op.equals("same")) {
                JsonObject r = new JsonObject();
                r.addProperty("type", d.type());
                r.add("properties", d.properties());
                resources.add(d.name(), r);
                state.addProperty("stackResource", true);
                save(project, stack, state);
            }
        }
        if (error == null && !interrupted) {
            List<String> gone = new ArrayList<>();
            for (String n : resources.keySet()) {
                if (declared.stream().noneMatch(d -> d.name().equals(n))) {
                    gone.add(n);
                }
            }
            for (String n : gone) {
                if (interrupted) {
                    break;
                }
                String type = resources.getAsJsonObject(n).get("type").getAsString();
                step("delete", urn(stack, project, type, n), type, n, preview, changes);
                if (!preview) {
                    resources.remove(n);
                    save(project, stack, state);
                }
            }
            if (destroy && hadStack && !interrupted) {
                step("delete", stackUrn, stackType, project + "-" + stack, preview, changes);
            }
        }
        boolean canceled = interrupted && error == null;
        JsonObject outputs = new JsonObject();
        if (!preview && !destroy && error == null && !canceled) {
            Object declaredOutputs = program.get("outputs");
            if (declaredOutputs instanceof Map) {
                for (Map.Entry<String, Object> e : ((Map<String, Object>) declaredOutputs).entrySet()) {
                    boolean[] secret = new boolean[1];
                    Object v = eval(e.getValue(), config, secret);
                    JsonObject o = new JsonObject();
                    o.add("value", GSON.toJsonTree(v));
                    o.addProperty("secret", secret[0]);
                    outputs.add(e.getKey(), o);
                }
            }
            state.add("outputs", outputs);
            state.addProperty("stackResource", true);
        }
        if (destroy && !canceled) {
            state.add("outputs", new JsonObject());
            state.addProperty("stackResource", false);
        }
        if (!preview) {
            if (outputs.size() > 0) {
                out.println("Outputs:");
                for (Map.Entry<String, JsonElement> e : outputs.entrySet()) {
                    JsonObject o = e.getValue().getAsJsonObject();
                    out.println("    " + e.getKey() + ": " + (o.get("secret").getAsBoolean() ? "[secret]"
                            : o.get("value").toString()));
                }
                out.println();
            }
            JsonObject h = new JsonObject();
            h.addProperty("version", state.getAsJsonArray("history").size() + 1);
            h.addProperty("kind", destroy ? "destroy" : "update");
            h.addProperty("startTime", start.toString());
            h.addProperty("endTime", Instant.now().toString());
            h.addProperty("message", "");
            h.addProperty("result", error != null || canceled ? "failed" : "succeeded");
            h.add("resourceChanges", GSON.toJsonTree(changes));
            state.getAsJsonArray("history").add(h);
            save(project, stack, state);
        }
        out.println("Resources:");
        changes.forEach((op, n) -> {
            if (!op.equals("same")) {
                out.println("    " + SYMBOL.get(op) + " " + n + " " + (preview ? "to " + PREVIEWED.get(op) : DONE.get(op)));
            }
        });
        if (changes.containsKey("same")) {
            out.println("    " + changes.get("same") + " unchanged");
        }
        out.println();
        out.println("Duration: " + (System.nanoTime() - started) / 1_000_000_000L + "s");
        JsonObject summary = new JsonObject();
        summary.addProperty("maybeCorrupt", false);
        summary.addProperty("durationSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        summary.add("resourceChanges", GSON.toJsonTree(changes));
        summary.add("PolicyPacks", new JsonObject());
        event("summaryEvent", summary);
        event("cancelEvent", new JsonObject());
        if (error != null) {
            out.println("Diagnostics:");
            out.println("  " + failedUrn + ":");
            out.println("    error: " + error);
            err.println("error: " + (preview ? "preview" : kind) + " failed");
            return 255;
        }
        if (canceled) {
            err.println("error: " + (destroy ? "destroy" : "update") + " canceled");
            return 255;
        }
        return 0;
    }

    private void step(String op, String urn, String type, String name, boolean preview, Map<String, Integer> changes)
            throws IOException {
        stepEvent(op, urn, type);
        changes.merge(op, 1, Integer::sum);
        if (!op.equals("same")) {
            out.println(" " + SYMBOL.get(op) + "  " + type + " " + name + " " + (preview ? PREVIEWED.get(op)
                    : DOING.get(op)));
        }
        Objects.requireNonNull(DONE.get(op));
    }
}
