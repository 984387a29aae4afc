package io.switchboard.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Switchboard's REST API lives under {@code /api}. */
@ApplicationPath("api")
public class RestApplication extends Application {}
