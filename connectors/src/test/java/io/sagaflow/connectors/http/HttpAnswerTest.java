package io.sagaflow.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.wire.ReplyOutcome;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpAnswerTest {

    private static String text(HttpAnswer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "199, RETRY", "200, SUCCESS", "201, SUCCESS", "204, SUCCESS", "299, SUCCESS", "300, RETRY",
            "400, RETRY", "404, RETRY", "408, RETRY", "409, FAILURE", "410, RETRY", "422, FAILURE", "429, RETRY",
            "500, RETRY", "503, RETRY"})
    void theStatusDecidesTheOutcomeAsSpecFiveSays(int status, ReplyOutcome expected) {
        assertThat(HttpAnswer.outcomeOf(status)).isEqualTo(expected);
        assertThat(HttpAnswer.answered(status, bytes("{}")).outcome()).isEqualTo(expected);
    }

    @Test
    void aSuccessCarriesTheBodyAsTheStepOutput() {
        HttpAnswer answer = HttpAnswer.answered(200, bytes("{\"orderId\": 1001}"));

        assertThat(answer.outcome()).isEqualTo(ReplyOutcome.SUCCESS);
        assertThat(text(answer)).isEqualTo("{\"orderId\": 1001}");
    }

    @Test
    void aSuccessWithoutABodyHasTheOutputNull() {
        assertThat(text(HttpAnswer.answered(204, new byte[0]))).isEqualTo("null");
        assertThat(text(HttpAnswer.answered(200, null))).isEqualTo("null");
    }

    @Test
    void aBusinessFailureKeepsTheParticipantsJsonBody() {
        HttpAnswer answer = HttpAnswer.answered(409, bytes("{\"code\":\"out-of-stock\",\"message\":\"none left\"}"));

        assertThat(answer.outcome()).isEqualTo(ReplyOutcome.FAILURE);
        assertThat(text(answer)).isEqualTo("{\"code\":\"out-of-stock\",\"message\":\"none left\"}");
    }

    @Test
    void aNonJsonBodyOfANonSuccessIsWrappedAsCodeAndMessage() {
        HttpAnswer answer = HttpAnswer.answered(502, bytes("Bad \"gateway\"\nupstream down"));

        assertThat(answer.outcome()).isEqualTo(ReplyOutcome.RETRY);
        assertThat(text(answer)).isEqualTo("{\"code\":\"HTTP_502\",\"message\":\"Bad \\\"gateway\\\" upstream down\"}");
    }

    @Test
    void noAnswerInTimeIsARetry() {
        HttpAnswer answer = HttpAnswer.unanswered(new CompletionException(new HttpTimeoutException("request timed out")));

        assertThat(answer.outcome()).isEqualTo(ReplyOutcome.RETRY);
        assertThat(text(answer)).isEqualTo("{\"code\":\"HTTP_ERROR\",\"message\":\"no answer in time\"}");
    }

    @Test
    void aRefusedConnectionIsARetryThatSaysWhy() {
        HttpAnswer answer = HttpAnswer.unanswered(new CompletionException(new ConnectException("Connection refused")));

        assertThat(answer.outcome()).isEqualTo(ReplyOutcome.RETRY);
        assertThat(text(answer))
                .isEqualTo("{\"code\":\"HTTP_ERROR\",\"message\":\"java.net.ConnectException: Connection refused\"}");
    }
}
