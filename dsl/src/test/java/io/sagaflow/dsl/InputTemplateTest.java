package io.sagaflow.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.dsl.model.InputTemplate;
import io.sagaflow.dsl.model.SagaFlow;
import org.junit.jupiter.api.Test;

class InputTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCOPE = """
            {"input": {"orderId": "o-17", "lines": [{"sku": "A", "quantity": 2}]},
             "steps": {"charge": {"output": {"amount": 42.5}}, "create-order": {"output": {"id": 7}}}}
            """;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void rendersExpressionsOverTheInputAndTheOutputsOfEarlierSteps() throws Exception {
        InputTemplate template = InputTemplate.compile(json("""
                {"orderId": "${ .input.orderId }", "total": "${ .steps.charge.output.amount }"}
                """));

        assertThat(template.render(json(SCOPE))).isEqualTo(json("{\"orderId\": \"o-17\", \"total\": 42.5}"));
    }

    @Test
    void rendersTheTemplateOfAParsedStep() throws Exception {
        SagaFlow flow = (SagaFlow) new FlowParser().parse("""
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: order-checkout, version: 1 }
                spec:
                  participants: { shipping: { kafka: { topic: shipping.commands } } }
                  steps:
                    - name: ship
                      participant: shipping
                      action: schedule
                      input:
                        orderId: ${ .input.orderId }
                        total: ${ .steps.charge.output.amount }
                        order: ${ .steps["create-order"].output.id }
                        skus: ${ [.input.lines[].sku] }
                        carrier: dhl
                        express: false
                        missing: ${ .input.nothing }
                        nothing: ${ empty }
                """).document().orElseThrow();

        JsonNode rendered = flow.steps().get(0).input().orElseThrow().render(json(SCOPE));

        assertThat(rendered).isEqualTo(json("""
                {"orderId": "o-17", "total": 42.5, "order": 7, "skus": ["A"], "carrier": "dhl", "express": false,
                 "missing": null, "nothing": null}
                """));
    }

    @Test
    void leavesStringsThatAreNotOneWholeExpressionAsWritten() throws Exception {
        InputTemplate template = InputTemplate.compile(json("""
                {"ref": "order-${ .input.orderId }", "nested": [{"id": "${ .input.orderId }"}], "price": "$12"}
                """));

        assertThat(template.render(json(SCOPE))).isEqualTo(json("""
                {"ref": "order-${ .input.orderId }", "nested": [{"id": "o-17"}], "price": "$12"}
                """));
    }

    @Test
    void checkNamesWhereAnExpressionBreaks() {
        assertThat(InputTemplate.check(".input.orderId")).isEmpty();
        assertThat(InputTemplate.check(".input.orderId |")).contains("unexpected end of expression");
        assertThat(InputTemplate.check(".a $ b")).contains("unexpected '$' at column 4");
    }

    @Test
    void refusesToCompileATemplateWithABadExpression() throws Exception {
        JsonNode bad = json("{\"a\": [\"${ .input[ }\"]}");

        assertThatThrownBy(() -> InputTemplate.compile(bad))
                .isInstanceOf(InputTemplate.InvalidExpressionException.class)
                .hasMessage("bad jq expression '.input[': unexpected end of expression");
    }
}
