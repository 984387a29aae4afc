/**
 * The protocol vocabulary every feature and transport shares: the error a client gets ({@link InvalidMessage} with its
 * {@link ErrorCode} and field), the error frame, the one {@link Json} of the application, the strict reading of client
 * JSON into records ({@link JsonRecords}), the field rules ({@link Fields}, {@link PlainText}) and their checking with
 * the server's Bean Validation ({@link Constraints}, handed over at startup by {@link ValidatorSetup}). It imports no
 * feature.
 */
package io.switchboard.protocol;
