/**
 * Switchboard's settings in one typed place: defaults, overridable by system property or environment variable.
 */
package io.switchboard.config;
