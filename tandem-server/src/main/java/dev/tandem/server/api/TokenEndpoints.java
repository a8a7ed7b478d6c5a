package dev.tandem.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tandem.core.spi.ApiTokenStore.AdminAuditEntry;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's own endpoints: tokens ({@code GET/POST /tokens}, {@code DELETE /tokens/{id}}) and the admin
 * audit log ({@code GET /admin-audit}), all for admins. The same operations as {@code tandem tokens} on the box.
 */
public final class TokenEndpoints {

    private TokenEndpoints() {
    }

    /** A token as the API shows it: never its secret nor its hash. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenView(long id, String name, String role, String createdAt, String lastUsedAt,
                            String revokedAt, boolean active) {

        public static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role(), t.createdAt().toString(),
                    t.lastUsedAt() == null ? null : t.lastUsedAt().toString(),
                    t.revokedAt() == null ? null : t.revokedAt().toString(), t.active());
        }
    }

    /** The answer to a creation: the token's secret, shown this once. */
    public record CreatedToken(long id, String name, String role, String createdAt, String token) {
    }

    /** The body of {@code POST /tokens}. */
    public record CreateRequest(String name, String role) {
    }

    /** An admin audit entry as the API shows it. */
    public record AuditView(long id, String at, String actor, String role, String method, String path,
                            String action, int status, String remoteAddress) {

        static AuditView of(AdminAuditEntry e) {
            return new AuditView(e.id(), e.at().toString(), e.actor(), e.role(), e.method(), e.path(), e.action(),
                    e.status(), e.remoteAddress());
        }
    }

    public static void register(AdminApi api, Clock clock) {
        ApiTokens tokens = api.tokens();
        api.get("/tokens", Role.ADMIN, ctx -> ctx.json(Map.of("items",
                tokens.store().list().stream().map(TokenView::of).toList())));
        api.post("/tokens", Role.ADMIN, ctx -> {
            CreateRequest request = AdminApi.body(ctx, CreateRequest.class);
            if (request.name() == null || request.role() == null) {
                throw ProblemException.badRequest("the body needs name and role (viewer, operator or admin)");
            }
            Role role;
            try {
                role = Role.parse(request.role());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("role must be viewer, operator or admin");
            }
            ApiTokens.Issued issued;
            try {
                issued = tokens.create(request.name(), role);
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().startsWith("an active token")
                        ? ProblemException.conflict(e.getMessage()) : ProblemException.badRequest(e.getMessage());
            }
            ApiToken t = issued.token();
            AdminApi.describe(ctx, "created token " + t.id() + " " + t.name() + " (" + t.role() + ")");
            ctx.status(201).json(new CreatedToken(t.id(), t.name(), t.role(), t.createdAt().toString(),
                    issued.secret()));
        });
        api.delete("/tokens/{id}", Role.ADMIN, ctx -> {
            long id = ApiQuery.idParam(ctx, "id");
            ApiToken t = tokens.store().find(id)
                    .orElseThrow(() -> ProblemException.notFound("no token with id " + id));
            tokens.store().revoke(id, clock.instant());
            AdminApi.describe(ctx, "revoked token " + id + " " + t.name());
            ctx.json(TokenView.of(tokens.store().find(id).orElseThrow()));
        });
        api.get("/admin-audit", Role.ADMIN, ctx -> {
            ApiQuery.PageRequest page = ApiQuery.page(ctx);
            Optional<String> actor = ApiQuery.text(ctx, "actor");
            List<AdminAuditEntry> rows = tokens.store().auditPage(page.positionAsLong(Long.MAX_VALUE), actor,
                    page.limit() + 1);
            ctx.json(ApiQuery.Page.of(rows.stream().map(AuditView::of).toList(), page.limit(),
                    v -> Long.toString(v.id())));
        });
    }
}
