package io.labctl.module;

/**
 * A regular file with its content, mode and owner: {@code file:PATH}. Content, template, mode, owner and group are
 * each managed only when set. Absent: the file is removed.
 */
public final class FileResource extends Resource {
    private final String path;
    private String content;
    private String template;
    private Integer mode;
    private String owner;
    private String group;
    private boolean sensitive;

    public FileResource(String path) {
        super("file", absolutePath("file", path));
        this.path = path;
    }

    /** The exact content (replaces a template set before). */
    public FileResource content(String text) {
        this.content = text;
        this.template = null;
        return this;
    }

    /** Secret content: the file is {@link #sensitive()}, its diff is never shown. */
    public FileResource content(Secret secret) {
        content(secret.reveal());
        this.sensitive = true;
        return this;
    }

    /**
     * Content from a template: every {@code {{name}}} is replaced by the fact or input of that name (facts:
     * {@code server}, {@code hostname}, {@code os}, {@code osVersion}, {@code arch}, {@code kernel}, {@code cpus},
     * {@code memoryBytes}; inputs by their name in {@code module.yaml}, an input shadowing a fact of the same name).
     * A placeholder naming neither fails the
     * resource; nothing else in the text is interpreted. A template using a secret input makes the file sensitive.
     * Replaces content set before.
     */
    public FileResource template(String text) {
        this.template = text;
        this.content = null;
        return this;
    }

    /** Permission bits, e.g. {@code 0644}. */
    public FileResource mode(int octal) {
        this.mode = checkedMode(id(), octal);
        return this;
    }

    /** Owner by user name (looked up in the machine's {@code /etc/passwd}). */
    public FileResource owner(String user) {
        this.owner = user;
        return this;
    }

    /** Group by name (looked up in the machine's {@code /etc/group}). */
    public FileResource group(String name) {
        this.group = name;
        return this;
    }

    /** Never show the content in a diff (for keys, tokens, passwords). */
    public FileResource sensitive() {
        this.sensitive = true;
        return this;
    }

    public String path() {
        return path;
    }

    /** The exact content, or null when unmanaged or given as a template. */
    public String content() {
        return content;
    }

    /** The template text, or null. */
    public String template() {
        return template;
    }

    /** The mode, or null when unmanaged. */
    public Integer mode() {
        return mode;
    }

    public String owner() {
        return owner;
    }

    public String group() {
        return group;
    }

    public boolean isSensitive() {
        return sensitive;
    }

    @Override
    public FileResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public FileResource absent() {
        super.absent();
        return this;
    }
}
