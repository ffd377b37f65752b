package io.datamesh.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamesh.collector.ClickContract.Violation;
import org.junit.jupiter.api.Test;

class ClickContractTest {

    private static Violation check(String json) throws Exception {
        JsonNode event = RequestBody.JSON.readTree(json);
        return ClickContract.check(event, json.length(), 1024);
    }

    private static String click(String fields) {
        return "{\"click_id\":\"k1\",\"session_id\":\"s1\",\"at\":\"2026-12-01T19:00:00.250Z\"," + fields + "}";
    }

    @Test
    void theThreeKindsOfClickKeepTheContract() throws Exception {
        assertThat(check(click("\"type\":\"page_view\",\"url\":\"/menu\",\"referrer\":null,\"user_id\":\"u1\",\"screen\":\"w\""))).isNull();
        assertThat(check(click("\"type\":\"add_to_cart\",\"product_id\":\"margherita\",\"quantity\":2"))).isNull();
        assertThat(check(click("\"type\":\"add_to_cart\",\"product_id\":\"margherita\""))).isNull();
        assertThat(check(click("\"type\":\"checkout\",\"order_id\":\"o1\",\"items\":3"))).isNull();
        assertThat(check(click("\"type\":\"checkout\""))).isNull();
        assertThat(check("{\"click_id\":\"k1\",\"session_id\":\"s1\",\"at\":\"2026-12-01T20:00:00+01:00\",\"type\":\"checkout\"}")).isNull();
    }

    @Test
    void aViolationNamesTheFieldAndWhatToFix() throws Exception {
        Map<String, Violation> cases = Map.of(
                "{\"session_id\":\"s1\",\"at\":\"2026-12-01T19:00:00Z\",\"type\":\"checkout\"}",
                new Violation("click_id", "required: the click's unique id", "missing"),
                click("\"type\":\"checkout\"").replace("\"session_id\":\"s1\"", "\"session_id\":42"),
                new Violation("session_id", "must be a text, was a number", "wrong-type"),
                click("\"type\":\"checkout\"").replace("\"session_id\":\"s1\"", "\"session_id\":\"\""),
                new Violation("session_id", "must be 1 to 128 characters, was 0", "invalid"),
                click("\"type\":\"checkout\"").replace("2026-12-01T19:00:00.250Z", "yesterday"),
                new Violation("at", "'yesterday' is not an ISO-8601 instant such as 2026-12-01T19:00:00.250Z", "invalid"),
                click("\"type\":\"scroll\""),
                new Violation("type", "must be one of page_view, add_to_cart, checkout, was 'scroll'", "invalid"),
                click("\"type\":\"page_view\""),
                new Violation("url", "required: the page's URL", "missing"),
                click("\"type\":\"add_to_cart\",\"product_id\":\"p\",\"quantity\":0"),
                new Violation("quantity", "must be at least 1, was 0", "invalid"),
                click("\"type\":\"checkout\",\"items\":\"3\""),
                new Violation("items", "must be a whole number, was a text", "wrong-type"),
                click("\"type\":\"checkout\",\"user_id\":{}"),
                new Violation("user_id", "must be a text, was an object", "wrong-type"),
                "[1]",
                new Violation("", "an event is a JSON object, not an array", "not-an-object"));
        for (Map.Entry<String, Violation> c : cases.entrySet()) {
            assertThat(check(c.getKey())).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void anEventOverTheSizeLimitIsRejectedAsAWhole() throws Exception {
        String big = click("\"type\":\"page_view\",\"url\":\"/" + "x".repeat(2000) + "\"");
        assertThat(ClickContract.check(RequestBody.JSON.readTree(big), big.length(), 1024))
                .isEqualTo(new Violation("", "the event is " + big.length() + " bytes as JSON; the limit is 1024 bytes", "too-large"));
    }
}
