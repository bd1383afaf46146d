package io.incidenttracker.platform.operations;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both services' object mapper (built by Boot with the web platform's customizer) refuses a repeated member name. */
class DuplicateKeyRefusalTest {

    final ObjectMapper mapper = mapper();

    static ObjectMapper mapper() {
        Jackson2ObjectMapperBuilder builder = new Jackson2ObjectMapperBuilder();
        new OperationsConfiguration().refuseDuplicateJsonKeys().customize(builder);
        return builder.build();
    }

    @Test
    void refusesAnObjectThatNamesAMemberTwiceAtAnyDepth() {
        assertThatThrownBy(() -> mapper.readValue("{\"title\":\"a\",\"title\":\"b\"}", Map.class))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field 'title'");
        assertThatThrownBy(() -> mapper.readTree("{\"systems\":[{\"id\":\"a\",\"id\":\"b\"}]}"))
                .isInstanceOf(JsonParseException.class);
    }

    @Test
    void readsTheSameBodyWithoutTheRepetition() throws Exception {
        assertThat(mapper.readValue("{\"title\":\"b\",\"other\":{\"title\":\"c\"}}", Map.class))
                .containsEntry("title", "b");
    }
}
