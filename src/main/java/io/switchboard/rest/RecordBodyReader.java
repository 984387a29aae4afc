package io.switchboard.rest;

import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.JsonRecords;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Reads a JSON request body into a record as strictly as the WebSocket codecs read a message
 * ({@link JsonRecords}): {@code "title": 5} is refused, not stored as {@code "5"}, and a wrong field gets a 400 problem
 * naming it. An empty body is {@code null}, which the resource answers.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
public class RecordBodyReader implements MessageBodyReader<Record> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord();
    }

    @Override
    public Record readFrom(
            Class<Record> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, String> headers,
            InputStream body)
            throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonRecords.checkFields(type.getRecordComponents(), JsonRecords.parseObject(text));
            return Json.jsonb().fromJson(text, type);
        } catch (InvalidMessage e) {
            throw new BadRequestException(Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), e.field()));
        } catch (JsonbException e) {
            throw new BadRequestException(Problem.response(
                    Response.Status.BAD_REQUEST, "the request body is not valid JSON for this request", null));
        }
    }
}
