package io.incidenttracker.query.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The published OpenAPI document (at {@code /v3/api-docs}); HTTP Basic for every operation. */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String BASIC = "basicAuth";

    @Bean
    public OpenAPI queryServiceOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Incident Tracker: query service")
                        .version("v1")
                        .description("Status views of cyber incidents: incidents, their attack waves, systems, "
                                + "services and timeline, and the service board. Views may lag a command by a "
                                + "moment: poll until `version` reaches the one the command returned. Errors are "
                                + "RFC 9457 problems (application/problem+json)."))
                .components(new Components().addSecuritySchemes(BASIC,
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
                .addSecurityItem(new SecurityRequirement().addList(BASIC));
    }
}
