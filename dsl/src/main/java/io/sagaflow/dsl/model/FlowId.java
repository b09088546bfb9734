package io.sagaflow.dsl.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** A flow's name and version; running instances keep the version they started with. */
public record FlowId(String name, int version) {

    public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    public FlowId {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metadata.name must match [a-z0-9-]+, was '" + name + "'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("metadata.version must be >= 1, was " + version);
        }
    }

    @Override
    public String toString() {
        return name + " v" + version;
    }
}
