package io.sagaflow.engine.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.NotificationFlow;
import io.sagaflow.engine.notification.NotificationTransitions.Rule;
import io.sagaflow.engine.notification.NotificationTransitions.Transition;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The notification's transition table: the rules stay inside it, reach all of it, and the docs show it. */
class NotificationTransitionsTest {

    private static final Path DOC = Path.of("../docs/notifications.md");
    static final String BEGIN = "<!-- BEGIN notification-states: generated from NotificationTransitions by "
            + "NotificationTransitionsTest (-Dsagaflow.regenerate=true rewrites it); do not edit by hand -->\n";
    static final String END = "<!-- END notification-states -->";

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final NotificationFlow FLOW = new NotificationFlow(new FlowId("merchant", 1),
            URI.create("http://127.0.0.1:1/hook"), List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
            Optional.empty(), Optional.empty(), NotificationFlow.Success.DEFAULT);
    private static final List<AttemptResult> RESULTS = List.of(new AttemptResult.Answered(200, Duration.ZERO),
            new AttemptResult.Answered(503, Duration.ZERO), new AttemptResult.Failed("timeout", Duration.ZERO));

    /** The block of docs/notifications.md between the markers is the rendered table; a change shows in review. */
    @Test
    void checkedInDiagramMatchesTheTransitionTable() throws Exception {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        if (begin < 0 || end < begin) {
            fail("docs/notifications.md has no block between '" + BEGIN.strip() + "' and '" + END + "'");
        }
        String rendered = NotificationTransitions.renderMermaid();
        if (Boolean.getBoolean("sagaflow.regenerate")) {
            doc = doc.substring(0, begin + BEGIN.length()) + rendered + doc.substring(end);
            Files.writeString(DOC, doc);
            end = doc.indexOf(END);
        }
        assertThat(doc.substring(begin + BEGIN.length(), end))
                .as("docs/notifications.md is stale: run this test with -Dsagaflow.regenerate=true")
                .isEqualTo(rendered);
    }

    /**
     * Every input in every state a notification can be in: a change is one the table declares for its rule, and every
     * row of the table is made by some input, so the table says no more and no less than the rules do.
     */
    @Test
    void theRulesStayInsideTheTableAndReachEveryRowOfIt() {
        Set<Transition> reached = new HashSet<>();
        for (NotificationState before : states()) {
            List<Decided> decisions = new ArrayList<>();
            for (Instant due : List.of(NOW.minusSeconds(1), NOW, NOW.plusSeconds(1))) {
                NotificationState timed = before.nextAttemptAt().isPresent()
                        ? new NotificationState(before.status(), before.attempts(), before.scheduleBase(),
                        before.inFlight(), Optional.of(due))
                        : before;
                decisions.add(new Decided(Rule.CLAIM, timed, CheckedDelivery.claim(timed, NOW, LEASE)));
            }
            for (int attempt = Math.max(1, before.attempts() - 1); attempt <= before.attempts() + 1; attempt++) {
                for (AttemptResult result : RESULTS) {
                    decisions.add(new Decided(Rule.ANSWER, before,
                            CheckedDelivery.answer(FLOW, before, attempt, result, NOW)));
                }
            }
            decisions.add(new Decided(Rule.RESEND, before, CheckedDelivery.resend(before, NOW)));
            for (Decided d : decisions) {
                if (d.decision() instanceof DeliveryDecision.Changed changed) {
                    NotificationTransitions.ALL.stream().filter(t -> t.from() == d.before().status()
                                    && t.rule() == d.rule() && t.to() == changed.state().status())
                            .forEach(reached::add);
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrderElementsOf(NotificationTransitions.ALL);
    }

    private record Decided(Rule rule, NotificationState before, DeliveryDecision decision) {
    }

    /**
     * Every status with up to 4 attempts, any schedule base, in flight or not; due times set by the caller. Only states
     * the rules can reach: an attempt in flight is always counted by its schedule (a claim counts it, and voids the
     * one before it when that one is still in flight), so {@code scheduleBase < attempts} then.
     */
    private static List<NotificationState> states() {
        List<NotificationState> out = new ArrayList<>();
        for (NotificationStatus status : NotificationStatus.values()) {
            for (int attempts = 0; attempts <= 4; attempts++) {
                for (int base = 0; base <= attempts; base++) {
                    for (boolean inFlight : base < attempts ? List.of(false, true) : List.of(false)) {
                        out.add(new NotificationState(status, attempts, base, inFlight, Optional.of(NOW)));
                        if (status != NotificationStatus.PENDING) {
                            out.add(new NotificationState(status, attempts, base, inFlight, Optional.empty()));
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aChangeTheTableDoesNotDeclareIsABugAndNeverADecision() {
        NotificationState delivered = new NotificationState(NotificationStatus.DELIVERED, 1, 0, false,
                Optional.empty());
        NotificationState pending = NotificationState.created(NOW);

        assertThatThrownBy(() -> Delivery.changed(Rule.CLAIM, delivered, pending))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DELIVERED to PENDING");
        assertThat(Delivery.changed(Rule.RESEND, delivered, pending)).isEqualTo(new DeliveryDecision.Changed(pending));
    }

    @Test
    void aSettledNotificationMovesOnlyWhenResent() {
        assertThat(NotificationTransitions.ALL).filteredOn(t -> t.from() != NotificationStatus.PENDING)
                .isNotEmpty().allMatch(t -> t.rule() == Rule.RESEND && t.to() == NotificationStatus.PENDING);
    }
}
