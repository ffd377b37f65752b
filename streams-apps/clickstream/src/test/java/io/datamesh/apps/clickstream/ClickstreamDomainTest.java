package io.datamesh.apps.clickstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.datamesh.schemas.clickstream.Click;
import io.datamesh.schemas.clickstream.PageView;
import io.datamesh.schemas.clickstream.Session;
import io.datamesh.sdk.dlq.DeadLetters;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sdk.testing.DomainTestDriver;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.SourcePosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClickstreamDomainTest {

    static final Instant T = Instant.parse("2018-07-08T18:00:00Z");
    private DomainTestDriver driver;

    @BeforeEach
    void start() {
        driver = DomainTestDriver.of(new ClickstreamDomain());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void click(String id, String session, String json, Instant at) throws Exception {
        click(id, session, json, at, at.plusMillis(30));
    }

    /** A click made at {@code at}, received by the collector at {@code receivedAt}. */
    private void click(String id, String session, String json, Instant at, Instant receivedAt) throws Exception {
        String body = "{\"click_id\":\"" + id + "\",\"session_id\":\"" + session + "\",\"at\":\"" + at + "\"," + json + "}";
        driver.pipeRaw("clickstream.raw.clicks", session, JsonRecord.parse(body), receivedAt, SourcePosition.click("collector-1", id));
    }

    @Test
    void clicksArePublishedWithTheirKindOfEvent() throws Exception {
        click("c1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\"", T);

        List<ProductRecord<Click>> clicks = driver.readProduct("clickstream.product.clicks.v1");
        assertThat(clicks).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("c1");
            assertThat(r.payload().getEvent()).isEqualTo(PageView.newBuilder().setUrl("/menu").setReferrer(null).build());
            assertThat(r.recordedAt()).isEqualTo(T.plusMillis(30));
        });
    }

    @Test
    void aSessionIsSummedUpFromItsClicksWhateverTheirOrder() throws Exception {
        click("c1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\"", T);
        click("c3", "s1", "\"type\":\"checkout\",\"order_id\":\"o1\",\"items\":2,\"user_id\":\"u9\"", T.plusSeconds(300));
        click("c2", "s1", "\"type\":\"add_to_cart\",\"product_id\":\"margherita\",\"quantity\":2", T.plusSeconds(120),
                T.plusSeconds(400)); // made at 18:02, sent late by a phone that was offline
        click("c4", "s2", "\"type\":\"page_view\",\"url\":\"/\"", T.plusSeconds(10));

        Session s1 = driver.<Session>view(ClickstreamDomain.SESSIONS_BY_ID).asOf("s1", T.plusSeconds(3600), T.plusSeconds(3600))
                .orElseThrow().value().payload();
        assertThat(s1).isEqualTo(Session.newBuilder().setSessionId("s1").setUserId("u9").setStartedAt(T).setLastClickAt(T.plusSeconds(300))
                .setPageViews(1).setAddsToCart(1).setCheckedOut(true).build());
        Session early = driver.<Session>view(ClickstreamDomain.SESSIONS_BY_ID).asOf("s1", T.plusSeconds(60), T.plusSeconds(3600))
                .orElseThrow().value().payload();
        assertThat(early.getPageViews()).isEqualTo(1);
        Session beforeTheLateClick = driver.<Session>view(ClickstreamDomain.SESSIONS_BY_ID).asOf("s1", T.plusSeconds(3600), T.plusSeconds(350))
                .orElseThrow().value().payload();
        assertThat(beforeTheLateClick.getAddsToCart()).as("as known before the late click arrived").isZero();
        assertThat(driver.<Session>readProduct("clickstream.product.sessions.v1")).extracting(ProductRecord::key)
                .containsExactlyInAnyOrder("s1", "s1", "s1", "s2");
    }

    @Test
    void aResentClickCountsOnceAndAnUnknownTypeIsADeadLetter() throws Exception {
        click("c1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\"", T);
        click("c1", "s1", "\"type\":\"page_view\",\"url\":\"/menu\"", T); // the app retried
        click("c2", "s1", "\"type\":\"wiggle\"", T);

        assertThat(driver.readProduct("clickstream.product.clicks.v1")).hasSize(1);
        assertThat(driver.readDeadLetters()).singleElement().satisfies(d -> assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON))
                .isEqualTo("mapping failed: type must be page_view, add_to_cart or checkout, was 'wiggle'"));
    }
}
