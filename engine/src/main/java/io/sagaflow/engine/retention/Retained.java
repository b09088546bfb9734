package io.sagaflow.engine.retention;

import java.util.List;

/**
 * The kinds of finished work the sweeper removes, as data: which rows are finished, how one is archived (a JSON
 * document with its history), and the statements that delete it and what hangs off it, children first.
 *
 * @param name     the metric tag and the archive record's {@code type}
 * @param table    the table of the finished rows (each has {@code id uuid}, {@code updated_at}, {@code flow})
 * @param finished the SQL condition, on {@code t}, of a row that may go once it is old enough
 * @param archive  a SQL expression, on {@code t}, of the row's archive document (jsonb)
 * @param deletes  the statements that remove the claimed rows ({@code $1}: their ids), children first
 */
record Retained(String name, String table, String finished, String archive, List<String> deletes) {

    static final List<Retained> ALL = List.of(
            new Retained("saga", "saga", "t.status IN ('COMPLETED', 'COMPENSATED')",
                    "jsonb_build_object('saga', to_jsonb(t), 'events', COALESCE((SELECT jsonb_agg(jsonb_build_object("
                            + "'seq', e.seq, 'type', e.type, 'at', e.recorded_at, 'data', e.data) ORDER BY e.seq) "
                            + "FROM saga_event e WHERE e.saga_id = t.id), '[]'::jsonb))",
                    List.of("DELETE FROM saga_event WHERE saga_id = ANY($1)",
                            "DELETE FROM saga_timer WHERE saga_id = ANY($1)",
                            "DELETE FROM saga WHERE id = ANY($1)")),
            new Retained("message", "message", "t.status IN ('DELIVERED', 'ROLLED_BACK')",
                    "jsonb_build_object('message', to_jsonb(t), 'events', COALESCE((SELECT jsonb_agg(jsonb_build_object("
                            + "'seq', e.seq, 'type', e.type, 'at', e.at, 'data', e.data) ORDER BY e.seq) "
                            + "FROM message_event e WHERE e.message_id = t.id), '[]'::jsonb))",
                    List.of("DELETE FROM message_event WHERE message_id = ANY($1)",
                            "DELETE FROM message WHERE id = ANY($1)")),
            // A notification that gave up is a dead letter until an operator settles it: kept while that is open.
            new Retained("notification", "notification", "t.status IN ('DELIVERED', 'GAVE_UP') AND NOT EXISTS ("
                    + "SELECT 1 FROM dead_letter d WHERE d.source = 'NOTIFICATION' AND d.origin = t.id::text "
                    + "AND d.status = 'OPEN')",
                    "jsonb_build_object('notification', to_jsonb(t), 'attempts', COALESCE((SELECT jsonb_agg(to_jsonb(a) "
                            + "ORDER BY a.attempt) FROM notification_attempt a WHERE a.notification_id = t.id), '[]'::jsonb))",
                    List.of("DELETE FROM notification_attempt WHERE notification_id = ANY($1)",
                            "DELETE FROM notification WHERE id = ANY($1)")),
            new Retained("dead-letter", "dead_letter", "t.status IN ('REDRIVEN', 'RESOLVED')",
                    "jsonb_build_object('deadLetter', to_jsonb(t), 'redrives', COALESCE((SELECT jsonb_agg(to_jsonb(r) "
                            + "ORDER BY r.requested_at) FROM dead_letter_redrive r WHERE r.dead_letter_id = t.id), '[]'::jsonb))",
                    List.of("DELETE FROM dead_letter_redrive WHERE dead_letter_id = ANY($1)",
                            "DELETE FROM dead_letter WHERE id = ANY($1)")));

    /** Claims up to {@code $2} due rows finished before {@code $1}; {@code $3} is the flow (or the other flows). */
    String claim(boolean ofOneFlow) {
        String flow = ofOneFlow ? "t.flow = $3" : "(t.flow IS NULL OR t.flow <> ALL($3::text[]))";
        return "SELECT t.id FROM " + table + " t WHERE " + finished + " AND t.updated_at < $1 AND " + flow
                + " ORDER BY t.updated_at LIMIT $2 FOR UPDATE SKIP LOCKED";
    }

    /** The archive documents of the rows {@code $1}. */
    String archiveQuery() {
        return "SELECT t.id, (" + archive + ")::text AS doc FROM " + table + " t WHERE t.id = ANY($1)";
    }
}
