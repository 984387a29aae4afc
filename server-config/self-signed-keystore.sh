#!/usr/bin/env bash
# Makes a self-signed certificate for trying wss:// on this machine (browsers and other machines will not trust it):
#   DIR/switchboard.p12  PKCS12 key store, key alias "switchboard", CN=localhost, SAN dns:localhost and ip:127.0.0.1
#   DIR/switchboard.crt  the certificate alone (PEM), for clients that should trust it
# The key store password is read from SWITCHBOARD_TLS_KEYSTORE_PASSWORD (the key gets the same password).
# Replaces both files if DIR already holds them. The build runs it into target/tls/ for the integration tests.
# Usage: SWITCHBOARD_TLS_KEYSTORE_PASSWORD=... self-signed-keystore.sh DIR
set -euo pipefail
dir=${1:?DIR}
: "${SWITCHBOARD_TLS_KEYSTORE_PASSWORD:?set SWITCHBOARD_TLS_KEYSTORE_PASSWORD}"
keytool=${JAVA_HOME:+$JAVA_HOME/bin/}keytool
mkdir -p "$dir"
rm -f "$dir/switchboard.p12" "$dir/switchboard.crt"
"$keytool" -genkeypair -alias switchboard -keyalg RSA -keysize 2048 -validity 825 \
    -dname CN=localhost -ext SAN=dns:localhost,ip:127.0.0.1 \
    -storetype PKCS12 -keystore "$dir/switchboard.p12" -storepass:env SWITCHBOARD_TLS_KEYSTORE_PASSWORD
"$keytool" -exportcert -rfc -alias switchboard -keystore "$dir/switchboard.p12" \
    -storepass:env SWITCHBOARD_TLS_KEYSTORE_PASSWORD -file "$dir/switchboard.crt"
