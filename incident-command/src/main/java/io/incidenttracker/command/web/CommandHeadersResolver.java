package io.incidenttracker.command.web;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.incidenttracker.platform.web.LogContextFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.Arrays;
import java.util.List;

/** Resolves {@link CommandHeaders} for command endpoints and documents its headers on each of them. */
@Configuration(proxyBeanMethods = false)
public class CommandHeadersResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CommandHeaders.class);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == CommandHeaders.class;
    }

    @Override
    public CommandHeaders resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                          NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        return new CommandHeaders(
                request.getHeader(CommandHeaders.IF_MATCH),
                LogContextFilter.correlationId(request),
                request.getHeader(CommandHeaders.IDEMPOTENCY_KEY),
                SecurityContextHolder.getContext().getAuthentication(),
                request.getMethod(),
                request.getRequestURI());
    }

    /**
     * The headers of {@link CommandHeaders}, on every operation that takes them, and the answers they lead to (their
     * problem content and the statuses every operation answers come from the web platform's problem responses).
     */
    @Bean
    OperationCustomizer documentHeaders() {
        return (operation, handlerMethod) -> {
            boolean takesHeaders = Arrays.stream(handlerMethod.getMethodParameters())
                    .anyMatch(parameter -> parameter.getParameterType() == CommandHeaders.class);
            if (takesHeaders) {
                operation.addParametersItem(header(CommandHeaders.IF_MATCH,
                        "the version the caller last saw, as \"<version>\"; on mismatch nothing changes and the "
                                + "answer is 412 (ignored when opening an incident)"));
                operation.addParametersItem(header(CommandHeaders.IDEMPOTENCY_KEY,
                        "up to 200 characters: a repeat with the same key and body answers the first answer again "
                                + "and appends nothing; the same key with another body is a 422"));
                operation.addParametersItem(header(RequestContext.CORRELATION_HEADER,
                        "recorded on every event the command causes; generated when absent"));
                ApiResponses responses = operation.getResponses();
                responses.putIfAbsent("409", new ApiResponse().description("The command breaks a rule of the "
                        + "incident's current state, or another writer changed the incident first"));
                responses.putIfAbsent("412", new ApiResponse().description("If-Match names another version than "
                        + "the incident's; nothing changed"));
                responses.putIfAbsent("422", new ApiResponse().description("The Idempotency-Key was sent before "
                        + "with another request"));
            }
            return operation;
        };
    }

    private static HeaderParameter header(String name, String description) {
        HeaderParameter header = new HeaderParameter();
        header.setName(name);
        header.setRequired(false);
        header.setDescription(description);
        header.setSchema(new StringSchema());
        return header;
    }
}
