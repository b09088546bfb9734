package io.sagaflow.engine.api;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;

/**
 * Read view of the {@code saga} projection. Written only by the event store (in the transaction of the events),
 * hence immutable here; jsonb columns are read as text and parsed by the API.
 */
@Entity
@Immutable
@Table(name = "saga")
public class SagaRecord extends PanacheEntityBase {
    @Id
    public UUID id;
    public String flow;
    @Column(name = "flow_version")
    public int flowVersion;
    public String status;
    @ColumnTransformer(read = "input::text")
    public String input;
    @ColumnTransformer(read = "output::text")
    public String output;
    public String error;
    @ColumnTransformer(read = "steps::text")
    public String steps;
    @Column(name = "last_seq")
    public long lastSeq;
    @Column(name = "created_at")
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
