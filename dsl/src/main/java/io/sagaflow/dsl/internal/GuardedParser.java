package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Watches the event stream on its way into the composer and stops it at the first event that breaks a limit.
 * The composer recurses once per nesting level, so depth has to be bounded before it composes, not after: a
 * megabyte of {@code [} would otherwise overflow the stack.
 */
final class GuardedParser implements Parser {

    private final Parser delegate;
    private final int maxDepth;
    private final int maxCollectionAliases;
    /** Anchor name to whether it names a collection; a later anchor of the same name replaces an earlier one. */
    private final Map<String, Boolean> anchors = new HashMap<>();
    private int depth;
    private int documents;
    private int collectionAliases;
    private Optional<Mark> firstAlias = Optional.empty();

    GuardedParser(Parser delegate, int maxDepth, int maxCollectionAliases) {
        this.delegate = delegate;
        this.maxDepth = maxDepth;
        this.maxCollectionAliases = maxCollectionAliases;
    }

    /** Where the document first uses an alias, to point at when aliases expand it too much. */
    Optional<Mark> firstAlias() {
        return firstAlias;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return delegate.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return delegate.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Event next() {
        Event event = delegate.next();
        switch (event.getEventId()) {
            case DocumentStart -> {
                if (++documents > 1) {
                    throw new LimitExceeded(DiagnosticCodes.MULTIPLE_DOCUMENTS,
                            "a flow file holds one YAML document; a second one starts here", event.getStartMark());
                }
            }
            case MappingStart, SequenceStart -> {
                remember((NodeEvent) event, true);
                if (++depth > maxDepth) {
                    throw new LimitExceeded(DiagnosticCodes.TOO_DEEP,
                            "the document nests deeper than " + maxDepth + " levels", event.getStartMark());
                }
            }
            case MappingEnd, SequenceEnd -> depth--;
            case Scalar -> remember((NodeEvent) event, false);
            case Alias -> {
                if (firstAlias.isEmpty()) {
                    firstAlias = event.getStartMark();
                }
                String name = ((AliasEvent) event).getAlias().getValue();
                if (Boolean.TRUE.equals(anchors.get(name)) && ++collectionAliases > maxCollectionAliases) {
                    throw new LimitExceeded(DiagnosticCodes.TOO_MANY_ALIASES, "the document uses more than "
                            + maxCollectionAliases + " aliases of mappings or lists", event.getStartMark());
                }
            }
            default -> {
                // stream and document ends, comments: nothing to count
            }
        }
        return event;
    }

    private void remember(NodeEvent event, boolean collection) {
        event.getAnchor().ifPresent(anchor -> anchors.put(anchor.getValue(), collection));
    }
}
