package io.incidenttracker.query.audit;

import io.incidenttracker.query.consuming.Processors;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Wiring of the audit ledger: its processor's error handling, the tree, signing, publication, verification. */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    /** A failing append is retried with back-off, never skipped. */
    @Bean
    public ConfigurerModule auditLedgerErrorHandling() {
        return configurer -> configurer.eventProcessing()
                .registerListenerInvocationErrorHandler(Processors.AUDIT_LEDGER, c -> PropagatingErrorHandler.instance())
                .registerErrorHandler(Processors.AUDIT_LEDGER, c -> PropagatingErrorHandler.instance());
    }

    @Bean
    public AuditLedger auditLedger(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        return new AuditLedger(jdbc, meterRegistry);
    }

    @Bean
    public LedgerTree ledgerTree(AuditLedger ledger) {
        return new LedgerTree(ledger);
    }

    @Bean
    public CheckpointStore checkpointStore(JdbcTemplate jdbc) {
        return new CheckpointStore(jdbc);
    }

    @Bean
    public AuditSigningKey auditSigningKey(AuditProperties properties) {
        return AuditSigningKey.load(properties.signing());
    }

    @Bean(destroyMethod = "close")
    public KafkaCheckpointPublisher kafkaCheckpointPublisher(Admin admin, KafkaProperties kafkaProperties,
                                                             AuditProperties properties) {
        return new KafkaCheckpointPublisher(admin, String.join(",", kafkaProperties.getBootstrapServers()),
                kafkaProperties.getProperties() == null ? java.util.Map.of() : new java.util.HashMap<>(
                        kafkaProperties.getProperties()),
                properties.checkpointTopic(), properties.origin());
    }

    @Bean
    public CheckpointService checkpointService(LedgerTree tree, CheckpointStore store, AuditSigningKey key,
                                               AuditProperties properties, KafkaCheckpointPublisher kafka,
                                               PlatformTransactionManager transactionManager,
                                               MeterRegistry meterRegistry) {
        List<CheckpointPublisher> publishers = new ArrayList<>();
        publishers.add(kafka);
        if (properties.checkpointFile() != null && !properties.checkpointFile().isBlank()) {
            publishers.add(new FileCheckpointPublisher(Path.of(properties.checkpointFile())));
        }
        return new CheckpointService(tree, store, key, properties.origin(), publishers,
                new TransactionTemplate(transactionManager), properties.checkpointInterval(), Clock.systemUTC(),
                meterRegistry);
    }

    @Bean
    public LedgerVerifier ledgerVerifier(DataSource dataSource, PlatformTransactionManager transactionManager,
                                         CheckpointStore store, LedgerTree tree, AuditSigningKey key) {
        return new LedgerVerifier(streaming(dataSource), readOnly(transactionManager), store, tree,
                                  key.rawPublicKey());
    }

    @Bean
    public AuditExporter auditExporter(DataSource dataSource, PlatformTransactionManager transactionManager,
                                       LedgerTree tree) {
        return new AuditExporter(streaming(dataSource), readOnly(transactionManager), tree);
    }

    /** UP while the ledger agrees with its latest signed checkpoint. */
    @Bean
    public HealthIndicator auditLedgerHealthIndicator(CheckpointService checkpoints) {
        return () -> {
            String alarm = checkpoints.alarm();
            return alarm == null ? Health.up().build() : Health.down().withDetail("alarm", alarm).build();
        };
    }

    /** Reads the ledger through a cursor instead of loading it whole. */
    static JdbcTemplate streaming(DataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.setFetchSize(5000);
        return jdbc;
    }

    static TransactionTemplate readOnly(PlatformTransactionManager transactionManager) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setReadOnly(true);
        return template;
    }
}
