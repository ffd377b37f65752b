package io.datamesh.apps.clickstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import io.datamesh.schemas.clickstream.AddToCart;
import io.datamesh.schemas.clickstream.Checkout;
import io.datamesh.schemas.clickstream.Click;
import io.datamesh.schemas.clickstream.ClickRecord;
import io.datamesh.schemas.clickstream.PageView;
import io.datamesh.schemas.clickstream.Session;
import io.datamesh.schemas.clickstream.SessionRecord;
import io.datamesh.sdk.Domain;
import io.datamesh.sdk.DomainDefinition;
import io.datamesh.sdk.record.ProductRecord;
import io.datamesh.sources.JsonRecord;
import io.datamesh.sources.JsonSerde;

/**
 * The clickstream domain: clicks from the web site and apps (the collector's JSON) become
 * {@code clickstream.product.clicks.v1}, and each session's running summary is derived into
 * {@code clickstream.product.sessions.v1}: with every click a new version of the session, valid
 * from its latest click.
 */
public final class ClickstreamDomain implements DomainDefinition {

    public static final String SESSIONS_BY_ID = "sessions-by-id";

    @Override
    public String name() {
        return "clickstream";
    }

    @Override
    public void define(Domain d) {
        d.owner("team-web@pizza.example").timeZone(ZoneId.of("Europe/Rome"));
        Domain.Raw<JsonRecord> raw = d.raw("clicks", JsonSerde.record());
        Domain.Product<Click> clicks = d.publish("clicks", 1, d.avro(ClickRecord.class, Click.class), raw, (in, out) -> {
            JsonRecord c = in.value();
            Instant at = c.time("at");
            out.upsert(c.text("click_id"), at, Click.newBuilder()
                    .setClickId(c.text("click_id"))
                    .setSessionId(c.text("session_id"))
                    .setUserId(c.optionalText("user_id"))
                    .setAt(at)
                    .setEvent(event(c))
                    .build());
        }).freshness(Duration.ofMinutes(1));

        d.derive("sessions", 1, d.avro(SessionRecord.class, Session.class), clicks, r -> r.payload().getSessionId(),
                (record, history, out) -> {
                    Session.Builder s = Session.newBuilder().setSessionId(record.payload().getSessionId())
                            .setStartedAt(history.get(0).payload().getAt())
                            .setLastClickAt(history.get(history.size() - 1).payload().getAt())
                            .setPageViews(0).setAddsToCart(0).setCheckedOut(false);
                    for (ProductRecord<Click> click : history) {
                        Object e = click.payload().getEvent();
                        if (e instanceof PageView) {
                            s.setPageViews(s.getPageViews() + 1);
                        } else if (e instanceof AddToCart) {
                            s.setAddsToCart(s.getAddsToCart() + 1);
                        } else if (e instanceof Checkout) {
                            s.setCheckedOut(true);
                        }
                        if (click.payload().getUserId() != null) {
                            s.setUserId(click.payload().getUserId());
                        }
                    }
                    // The summary holds from the session's latest click on: a click that arrives late (in
                    // valid time) yields a new version there, recorded when it arrived.
                    out.upsert(record.payload().getSessionId(), s.getLastClickAt(), s.build());
                }).view(SESSIONS_BY_ID);
    }

    private static Object event(JsonRecord c) {
        String type = c.text("type");
        return switch (type) {
            case "page_view" -> PageView.newBuilder().setUrl(c.text("url")).setReferrer(c.optionalText("referrer")).build();
            case "add_to_cart" -> AddToCart.newBuilder().setProductId(c.text("product_id")).setQuantity(c.integer("quantity", 1)).build();
            case "checkout" -> Checkout.newBuilder().setOrderId(c.optionalText("order_id")).setItems(c.integer("items", 0)).build();
            default -> throw new IllegalArgumentException("type must be page_view, add_to_cart or checkout, was '" + type + "'");
        };
    }
}
