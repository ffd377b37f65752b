package io.datamesh.cli;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.datamesh.topics.TopicName;
import io.datamesh.topics.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code mesh topics}: every topic with its domain, kind and partitions; misnamed ones flagged. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "List topics by domain and kind; flag names that break the conventions.")
final class TopicsCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = kafka.admin()) {
            TreeSet<String> names = new TreeSet<>(admin.listTopics().names().get(15, TimeUnit.SECONDS));
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(15, TimeUnit.SECONDS);
            spec.commandLine().getOut().printf("%-16s %-12s %-5s %s%n", "domain", "kind", "parts", "topic");
            for (String name : names) {
                String domain;
                String kind;
                if (name.startsWith("_")) {
                    domain = "(platform)";
                    kind = "internal";
                } else {
                    try {
                        TopicName t = TopicNames.parse(name);
                        domain = t.domain();
                        kind = t.kind().name().toLowerCase(java.util.Locale.ROOT);
                    } catch (IllegalArgumentException e) {
                        domain = "?";
                        kind = "MISNAMED";
                    }
                }
                spec.commandLine().getOut().printf("%-16s %-12s %-5d %s%n", domain, kind, descriptions.get(name).partitions().size(), name);
            }
            spec.commandLine().getOut().println(names.size() + " topics");
        }
        return 0;
    }

}
