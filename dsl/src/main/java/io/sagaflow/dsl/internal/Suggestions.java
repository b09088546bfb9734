package io.sagaflow.dsl.internal;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?": the closest known word within a small edit distance. */
final class Suggestions {

    /** Typos worth correcting are one or two keystrokes away; further than that a suggestion is a guess. */
    static final int MAX_DISTANCE = 2;

    /** Shorter beginnings ("ma", "re") start too many words to stand for one. */
    static final int MIN_PREFIX = 3;

    /** Long words are never typos of our short keywords, and bound the quadratic distance computation. */
    private static final int MAX_LENGTH = 64;

    private Suggestions() {
    }

    /**
     * The first candidate nearest to {@code word} (case-insensitively), if one is within {@link #MAX_DISTANCE};
     * otherwise the only candidate that {@code word} is the beginning of, if there is exactly one.
     */
    static Optional<String> closest(String word, Collection<String> candidates) {
        if (word.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String lower = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(word) || candidate.length() > MAX_LENGTH) {
                continue;
            }
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            // A one-letter word is within distance 1 of every one- or two-letter candidate: no real suggestion.
            if (d <= MAX_DISTANCE && d < Math.max(word.length(), 2) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null && word.length() >= MIN_PREFIX) {
            // "hmac" for "hmacSha256": an abbreviation is far in edits but unmistakable when one word starts so
            List<String> extended = candidates.stream()
                    .filter(c -> c.toLowerCase(Locale.ROOT).startsWith(lower) && !c.equals(word)).toList();
            return extended.size() == 1 ? Optional.of(extended.get(0)) : Optional.empty();
        }
        return Optional.ofNullable(best);
    }

    static Optional<String> didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates).map(s -> "did you mean '" + s + "'?");
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
