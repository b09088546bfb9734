package io.sagaflow.engine.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sagaflow.engine.saga.SagaEvent;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns events into {@code saga_event(type, data)} and back. The type is the record's simple name. */
public final class EventCodec {

    private static final Map<String, Class<? extends SagaEvent>> TYPES = Arrays.stream(SagaEvent.class.getPermittedSubclasses())
            .map(c -> c.asSubclass(SagaEvent.class))
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final ObjectMapper json;

    public EventCodec(ObjectMapper json) {
        // SagaCompensated has no fields: it is stored as {}.
        this.json = json.copy().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /** The event's data as a JSON tree (what {@code saga_event.data} holds). */
    public JsonNode toTree(SagaEvent event) {
        return json.valueToTree(event);
    }

    public String encode(SagaEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type(), e);
        }
    }

    public SagaEvent decode(String type, String data) {
        Class<? extends SagaEvent> cls = TYPES.get(type);
        if (cls == null) {
            throw new IllegalStateException("unknown event type '" + type + "' in the event store");
        }
        try {
            return json.readValue(data, cls);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot decode a stored " + type + " event: " + e.getMessage(), e);
        }
    }
}
