package io.sagaflow.dsl.model;

import java.util.Arrays;
import java.util.Optional;

/** The {@code kind} of a flow document (SPEC §3). */
public enum Kind {
    SAGA("Saga"), MESSAGE("Message"), NOTIFICATION("Notification"), CACHE_SYNC("CacheSync");

    private final String yamlName;

    Kind(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The spelling used in YAML. */
    public String yamlName() {
        return yamlName;
    }

    public static Optional<Kind> fromYaml(String name) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
    }
}
