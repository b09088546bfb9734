package io.sagaflow.dsl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** Helpers around the text of flow documents. */
public final class FlowDocuments {

    private FlowDocuments() {
    }

    /**
     * The SHA-256 of the document's UTF-8 bytes, as lowercase hex. Deploying compares these to tell "the same
     * document again" from "other content under the same version".
     */
    public static String sha256(String text) {
        Objects.requireNonNull(text, "text");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest Javadoc), so this cannot happen.
            throw new IllegalStateException(e);
        }
    }
}
