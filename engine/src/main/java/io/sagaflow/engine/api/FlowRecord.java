package io.sagaflow.engine.api;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.Immutable;

/** Read view of a deployed flow version (written by {@link io.sagaflow.engine.flow.FlowRegistry}). */
@Entity
@Immutable
@Table(name = "flow")
@IdClass(FlowRecord.Key.class)
public class FlowRecord extends PanacheEntityBase {
    @Id
    public String name;
    @Id
    public int version;
    public String kind;
    public String content;
    @Column(name = "content_sha256")
    public String contentSha256;
    @Column(name = "deployed_at")
    public OffsetDateTime deployedAt;

    /** Composite key (name, version). */
    public static class Key implements Serializable {
        public String name;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.version == version && Objects.equals(k.name, name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, version);
        }
    }
}
