/**
 * Bean Validation shared by the WebSocket codecs and the REST resources: the {@link PlainText} constraint for text a
 * browser will show, and {@link Constraints}, which checks a decoded message with the server's validator (handed over
 * at startup by {@link ValidatorSetup}) and names the field that is wrong.
 */
package io.switchboard.validation;
