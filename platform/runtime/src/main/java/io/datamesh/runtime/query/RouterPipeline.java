package io.datamesh.runtime.query;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Puts a {@link RouterPassThrough} behind the HTTP codec of every HTTP/1 connection the router's server
 * accepts, so that {@code /domains/{d}/…} goes on to the domain without Micronaut's request handling.
 */
@Requires(property = "mesh.service", value = "router")
@Requires(property = RouterPipeline.PASS_THROUGH, notEquals = "false")
@Singleton
public class RouterPipeline implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** Whether {@code /domains/{d}/…} takes the pass-through (default) or Micronaut's path ({@link RouterController}, for tests). */
    static final String PASS_THROUGH = "mesh.router.pass-through";

    private final QueryRouter router;

    @Inject
    public RouterPipeline(QueryRouter router) {
        this.router = router;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new NettyServerCustomizer() {
            @Override
            public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
                return role == ChannelRole.CONNECTION ? new Connection(channel) : this;
            }
        });
        return event.getBean();
    }

    /** One accepted connection: once its HTTP/1 pipeline is built, the pass-through goes right behind the codec. */
    private final class Connection implements NettyServerCustomizer {

        private final Channel channel;

        Connection(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void onStreamPipelineBuilt() {
            // Only HTTP/1 (the router's only protocol): an HTTP/2 stream has no server codec, and Micronaut handles it all.
            if (channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                    && channel.pipeline().get(RouterPassThrough.class) == null) {
                channel.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "mesh-router-pass-through",
                        new RouterPassThrough(router));
            }
        }
    }
}
