package io.incidenttracker.query.consuming;

import io.cloudevents.CloudEvent;
import io.incidenttracker.events.CloudEventsContract;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes of a record's CloudEvent that the decoding uses, with its data.
 * <p>
 * {@link #read} takes them straight from the record's headers when they have the shape the command service writes:
 * binary mode, {@code ce_specversion} 1.0, {@code ce_id}, {@code ce_source} (a URI), {@code ce_type},
 * {@code content-type: application/json}, a {@code ce_time} in the one form {@link IsoTimes} reads, extensions with
 * valid names, no header twice, data present. Any other record (structured mode, another version, a duplicate or
 * upper-case header, an attribute this reading does not take, a time in another form) gets null, and the CloudEvents
 * SDK reads it ({@link #of}) as it read every record before, accepting or refusing it with its own reason. For a record
 * of that shape the SDK gives exactly these attributes ({@code CloudEventMessageConverterTest}); the direct reading
 * saves the SDK's event builder, its URI and extension-name checks and the JDK's formatter for {@code time}
 * (docs/performance-log.md, "The records decoded without the SDK and the formatter").
 */
record BinaryCloudEvent(String id, String source, String type, String subject, String dataContentType, byte[] data,
                        Map<String, String> extensions) {

    private static final String PREFIX = "ce_";
    private static final String CONTENT_TYPE = "content-type";

    /** The last source seen valid: every record of one publisher names the same. */
    private static volatile String validSource;

    /** The extension's value, or null. */
    String extension(String name) {
        return extensions.get(name);
    }

    /** The event as the CloudEvents SDK read it. */
    static BinaryCloudEvent of(CloudEvent event) {
        Map<String, String> extensions = new HashMap<>();
        for (String name : event.getExtensionNames()) {
            Object value = event.getExtension(name);
            if (value != null) {
                extensions.put(name, value.toString());
            }
        }
        return new BinaryCloudEvent(event.getId(), event.getSource() == null ? null : event.getSource().toString(),
                event.getType(), event.getSubject(), event.getDataContentType(),
                event.getData() == null ? null : event.getData().toBytes(), extensions);
    }

    /** The event read from the record's headers, or null unless they have the shape described above. */
    static BinaryCloudEvent read(ConsumerRecord<String, byte[]> record) {
        String contentType = null;
        Map<String, String> attributes = new HashMap<>(8);
        Map<String, String> extensions = new HashMap<>(16);
        for (Header header : record.headers()) {
            String key = header.key();
            byte[] value = header.value();
            boolean cloudEventHeader = key.length() > PREFIX.length() && key.startsWith(PREFIX);
            if (!cloudEventHeader && !key.equals(CONTENT_TYPE)) {
                continue; // headers of other meaning, which the SDK does not read either
            }
            if (value == null) {
                return null;
            }
            String text = new String(value, StandardCharsets.UTF_8);
            if (!cloudEventHeader) {
                if (contentType != null || !text.equals(CloudEventsContract.DATA_CONTENT_TYPE)) {
                    return null;
                }
                contentType = text;
                continue;
            }
            String name = key.substring(PREFIX.length());
            switch (name) {
                case "specversion", "id", "source", "type", "subject" -> {
                    if (attributes.put(name, text) != null) {
                        return null;
                    }
                }
                case "time" -> {
                    if (attributes.put(name, text) != null || IsoTimes.read(text) == null) {
                        return null;
                    }
                }
                // attributes this reading does not take
                case "datacontenttype", "dataschema" -> {
                    return null;
                }
                default -> {
                    if (!extensionName(name) || extensions.put(name, text) != null) {
                        return null;
                    }
                }
            }
        }
        String id = attributes.get("id");
        String source = attributes.get("source");
        String type = attributes.get("type");
        byte[] data = record.value();
        if (!"1.0".equals(attributes.get("specversion")) || id == null || id.isEmpty() || type == null
                || type.isEmpty() || !validSource(source) || contentType == null || data == null
                || data.length == 0) {
            return null;
        }
        return new BinaryCloudEvent(id, source, type, attributes.get("subject"), contentType, data, extensions);
    }

    /** The CloudEvents naming rule the SDK applies: 1 to 20 lower-case ASCII letters and digits. */
    private static boolean extensionName(String name) {
        if (name.isEmpty() || name.length() > 20) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean validSource(String source) {
        if (source == null || source.isEmpty()) {
            return false;
        }
        if (source.equals(validSource)) {
            return true;
        }
        try {
            new URI(source);
        } catch (URISyntaxException e) {
            return false;
        }
        validSource = source;
        return true;
    }
}
