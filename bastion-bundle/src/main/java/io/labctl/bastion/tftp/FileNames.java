package io.labctl.bastion.tftp;

import java.util.ArrayList;
import java.util.List;

/** Turns a client-supplied name into safe relative path segments, or refuses it. */
final class FileNames {
    private FileNames() {
    }

    /**
     * Normalises the way PXE clients send names: leading '/' (pxelinux, iPXE) and backslash separators
     * (Windows/WDS loaders) are accepted; '.' segments and repeated separators are dropped. Anything that
     * could climb out of the root ('..', NUL, control characters, drive letters) is refused.
     */
    static List<String> segments(String name) throws TftpException {
        if (name.isEmpty()) {
            throw denied("empty file name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw denied("NUL in file name");
            }
            if (c < 0x20 || c == 0x7f) {
                throw denied("control character in file name");
            }
        }
        // Backslashes count as separators so "..\\..\\etc" is caught by the '..' check below.
        String unified = name.replace('\\', '/');
        if (unified.length() >= 2 && unified.charAt(1) == ':' && Character.isLetter(unified.charAt(0))) {
            throw denied("drive-letter paths are not allowed");
        }
        List<String> out = new ArrayList<>();
        for (String seg : unified.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                throw denied("'..' is not allowed in file names");
            }
            out.add(seg);
        }
        if (out.isEmpty()) {
            throw denied("file name names no file");
        }
        return out;
    }

    /** Canonical key for virtual files: segments joined with '/'. */
    static String key(String name) throws TftpException {
        return String.join("/", segments(name));
    }

    private static TftpException denied(String why) {
        return new TftpException(TftpPacket.ERR_ACCESS_VIOLATION, "access violation: " + why);
    }
}
