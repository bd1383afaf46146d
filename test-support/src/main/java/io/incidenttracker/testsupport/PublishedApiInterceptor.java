package io.incidenttracker.testsupport;

import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Checks every answer a {@link TestRestTemplate} receives against the service's {@link PublishedApi}. */
public final class PublishedApiInterceptor implements ClientHttpRequestInterceptor {

    private PublishedApiInterceptor() {
    }

    /**
     * The template, with every answer it receives from now on checked. A template made from it by
     * {@code withBasicAuth} is not: pass that one through here as well.
     */
    public static TestRestTemplate checking(TestRestTemplate template) {
        List<ClientHttpRequestInterceptor> interceptors = template.getRestTemplate().getInterceptors();
        if (interceptors.stream().noneMatch(PublishedApiInterceptor.class::isInstance)) {
            interceptors.add(new PublishedApiInterceptor());
        }
        return template;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ClientHttpResponse response = execution.execute(request, body);
        MediaType contentType = response.getHeaders().getContentType();
        if (contentType != null && contentType.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)) {
            PublishedApi.of(request.getURI()).check(request.getMethod().name(), request.getURI().getRawPath(),
                    response.getStatusCode().value(), response.getHeaders(), null);
            return response;
        }
        byte[] answer;
        try (InputStream in = response.getBody()) {
            answer = in.readAllBytes();
        }
        PublishedApi.of(request.getURI()).check(request.getMethod().name(), request.getURI().getRawPath(),
                response.getStatusCode().value(), response.getHeaders(), new String(answer, StandardCharsets.UTF_8));
        return new ReadResponse(response, answer);
    }

    /** The answer with its body already read. */
    private record ReadResponse(ClientHttpResponse delegate, byte[] body) implements ClientHttpResponse {

        @Override
        public HttpStatusCode getStatusCode() throws IOException {
            return delegate.getStatusCode();
        }

        @Override
        public String getStatusText() throws IOException {
            return delegate.getStatusText();
        }

        @Override
        public HttpHeaders getHeaders() {
            return delegate.getHeaders();
        }

        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
