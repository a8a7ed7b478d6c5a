package dev.tandem.sandbox.clarity.wire;

import io.javalin.http.Context;

/** Writes response bodies in the CEF wire format (spec §2); JSON is the only content type CEF keeps (spec §1). */
public final class JsonResponder {

    private final ClarityJson json;

    public JsonResponder(ClarityJson json) {
        this.json = json;
    }

    public ClarityJson json() {
        return json;
    }

    public void send(Context ctx, Object body) {
        send(ctx, 200, body);
    }

    public void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(json.write(body));
    }

    /** Writes a bare JSON {@code null}, the answer of {@code Exists} for a missing row (spec §9). */
    public void sendNull(Context ctx) {
        ctx.status(200).contentType("application/json; charset=utf-8").result("null");
    }
}
