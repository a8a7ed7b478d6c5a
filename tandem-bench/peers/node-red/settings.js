// Node-RED settings of the OrderSyncLoad peer (docs/benchmarks.md, "Peers side by side (issue 7 item 9)").
// Started by the harness as: node node_modules/node-red/red.js --settings settings.js --userDir <run dir> flows.json
// with PORT, CLARITY_URL, CLARITY_USER, CLARITY_PASSWORD, SF_URL, SF_CLIENT_ID, SF_CLIENT_SECRET, WEBHOOK_SECRET.
// In memory and non-durable: context in memory (the default store), no persistence of in-flight messages.
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: Number(process.env.PORT || 1880),
    // A headless runtime: no editor, no admin API (flows are deployed from flows.json at start).
    httpAdminRoot: false,
    httpNodeRoot: "/",
    flowFilePretty: true,
    credentialSecret: false,
    // The signature check's function node loads Node's built-in crypto module through its "libs" setup.
    functionExternalModules: true,
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    diagnostics: { enabled: false },
    runtimeState: { enabled: false },
    telemetry: { enabled: false },
    logging: { console: { level: "warn", metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false } }
};
