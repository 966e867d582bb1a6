package io.iocp4j.examples.web;

import java.util.Locale;
import java.util.Map;

/** The Content-Type of a file, chosen by its extension; unknown extensions are application/octet-stream. */
final class MimeTypes {
    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"));

    private MimeTypes() {
    }

    /** The type for {@code fileName} (a name or a path: only what follows the last dot of the last segment counts). */
    static String of(String fileName) {
        int slash = fileName.lastIndexOf('/');
        int dot = fileName.lastIndexOf('.');
        if (dot <= slash + 1) {
            return DEFAULT;  // no extension, or a dot file such as ".profile"
        }
        String ext = fileName.substring(dot + 1);
        String type = BY_EXTENSION.get(ext);
        return type != null ? type : BY_EXTENSION.getOrDefault(ext.toLowerCase(Locale.ROOT), DEFAULT);
    }
}
