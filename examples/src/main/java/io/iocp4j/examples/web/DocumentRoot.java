package io.iocp4j.examples.web;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Maps a request path to a regular file inside the document root: a directory means its {@code index.html},
 * symbolic links are followed but must end inside the root, anything else is refused with the status to answer.
 */
final class DocumentRoot {
    /** The outcome: a status, and for 200 the real path of the file to open. */
    record Lookup(int status, String file) {
        static final Lookup BAD_REQUEST = new Lookup(400, null);
        static final Lookup FORBIDDEN = new Lookup(403, null);
        static final Lookup NOT_FOUND = new Lookup(404, null);
    }

    private final Path root;

    DocumentRoot(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new NotDirectoryException(root.toString());
        }
    }

    Path path() {
        return root;
    }

    Lookup lookup(String encodedPath) {
        String relative = RequestTarget.relativePath(encodedPath);
        if (relative == RequestTarget.MALFORMED) {
            return Lookup.BAD_REQUEST;
        }
        if (relative == RequestTarget.ESCAPES) {
            return Lookup.FORBIDDEN;
        }
        try {
            Path real = confined(root.resolve(relative));
            if (real == null) {
                return Lookup.FORBIDDEN;
            }
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            if (a.isDirectory()) {
                real = confined(real.resolve("index.html"));
                if (real == null) {
                    return Lookup.FORBIDDEN;
                }
                a = Files.readAttributes(real, BasicFileAttributes.class);
            }
            if (a.isRegularFile()) {
                return new Lookup(200, real.toString());
            }
            return a.isDirectory() ? Lookup.NOT_FOUND : Lookup.FORBIDDEN;  // FIFOs, devices, sockets: never opened
        } catch (NoSuchFileException | NotDirectoryException | InvalidPathException e) {
            return Lookup.NOT_FOUND;
        } catch (AccessDeniedException e) {
            return Lookup.FORBIDDEN;
        } catch (IOException e) {
            return Lookup.NOT_FOUND;  // loops of links, names too long...
        }
    }

    /** The real path of {@code p} when it lies inside the root, null when a link leads out of it. */
    private Path confined(Path p) throws IOException {
        Path real = p.toRealPath();
        return real.startsWith(root) ? real : null;
    }
}
