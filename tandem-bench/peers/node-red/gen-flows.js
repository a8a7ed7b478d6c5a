// Writes flows.json, the Node-RED peer of OrderSyncLoad (issue 7 item 9): `node gen-flows.js` in this directory.
// flows.json is what Node-RED runs (and what one would import into the editor); this script only keeps the
// function nodes' code readable. Both are committed; edit here, then regenerate.
//
// The flow, in memory and non-durable (a crash loses what is in flight; nothing is written to disk):
//   http in POST /webhooks/clarity (raw body) → verify X-Clarity-Signature (HMAC-SHA256, Node's crypto)
//     → 202 (or 401) → GET the order from Clarity (session from POST /auth/identity, X-ss-pid)
//     → map to ONE Composite Graph (Account, Contact, Order upserted by Clarity key; one OrderItem per line and per
//       charge, as Tandem's clarity-order-to-salesforce.jsonata) with PricebookEntry ids from a cache loaded by SOQL
//       at start; a product missing from it is created once (Product2 upsert + standard PricebookEntry) while the
//       orders that need it wait → POST /services/data/v64.0/composite/graph (OAuth client credentials token)
//     → a failed graph is retried in memory (5 times, 200 ms × attempt apart).
//   GET /health answers 200 once the token, the set-up queries and the Clarity session are in.
"use strict";
const fs = require("fs");
const path = require("path");

const TAB = "tandem-peer";
const V = "/services/data/v64.0";
const nodes = [];
let y = 40;

function add(node) {
    node.z = TAB;
    node.x = node.x || 200;
    node.y = node.y || (y += 60);
    node.wires = node.wires || [];
    nodes.push(node);
    return node;
}

function fn(id, name, outputs, wires, code, libs) {
    return add({ id, type: "function", name, func: code.trim() + "\n", outputs, timeout: 0, noerr: 0,
        initialize: "", finalize: "", libs: libs || [], wires });
}

function httpRequest(id, name, wires) {
    return add({ id, type: "http request", name, method: "use", ret: "obj", paytoqs: "ignore", url: "", tls: "",
        persist: true, proxy: "", insecureHTTPParser: false, authType: "", senderr: false, headers: [], wires: [wires] });
}

function httpResponse(id, name) {
    return add({ id, type: "http response", name, statusCode: "", headers: {} });
}

nodes.push({ id: TAB, type: "tab", label: "Clarity order → Salesforce (OrderSyncLoad peer)", disabled: false,
    info: "In-memory, non-durable peer of Tandem's order sync: see gen-flows.js." });

// ------------------------------------------------------------------------------------------------ start-up
add({ id: "start", type: "inject", name: "at start", props: [], repeat: "", crontab: "", once: true,
    onceDelay: "0.1", topic: "", wires: [["sf-token-req", "clarity-login-req"]] });

fn("sf-token-req", "Salesforce token request", 1, [["sf-token"]], `
msg.method = "POST";
msg.url = env.get("SF_URL") + "/services/oauth2/token";
msg.headers = { "Content-Type": "application/x-www-form-urlencoded" };
msg.payload = "grant_type=client_credentials&client_id=" + encodeURIComponent(env.get("SF_CLIENT_ID"))
    + "&client_secret=" + encodeURIComponent(env.get("SF_CLIENT_SECRET"));
return msg;
`);
httpRequest("sf-token", "POST /services/oauth2/token", ["sf-setup-queries"]);

fn("sf-setup-queries", "store token; set-up SOQL", 1, [["sf-query"]], `
if (msg.statusCode !== 200 || !msg.payload.access_token) {
    node.error("Salesforce token request failed: HTTP " + msg.statusCode + " " + JSON.stringify(msg.payload));
    return null;
}
flow.set("sfAuth", "Bearer " + msg.payload.access_token);
const q = (topic, soql) => ({ topic, method: "GET", headers: { Authorization: flow.get("sfAuth") },
    url: env.get("SF_URL") + "${V}/query?q=" + encodeURIComponent(soql) });
return [[
    q("pricebook", "SELECT Id FROM Pricebook2 WHERE IsStandard = true"),
    q("recordTypes", "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Account'")
]];
`);
httpRequest("sf-query", "GET /query", ["sf-setup-store"]);

fn("sf-setup-store", "store set-up results", 1, [["sf-query"]], `
if (msg.statusCode !== 200) {
    node.error("SOQL " + msg.topic + " failed: HTTP " + msg.statusCode + " " + JSON.stringify(msg.payload));
    return null;
}
const rows = msg.payload.records;
if (msg.topic === "pricebook") {
    flow.set("pricebookId", rows[0].Id);
    // the cached price-book entries of the standard price book, by Clarity product key
    return { topic: "entries", method: "GET", headers: { Authorization: flow.get("sfAuth") },
        url: env.get("SF_URL") + "${V}/query?q=" + encodeURIComponent("SELECT Id, Product2.Clarity_Product_Key__c"
            + " FROM PricebookEntry WHERE Pricebook2Id = '" + rows[0].Id + "' AND IsActive = true") };
}
if (msg.topic === "recordTypes") {
    const byName = {};
    rows.forEach(r => byName[r.DeveloperName] = r.Id);
    flow.set("recordTypes", byName);
    return null;
}
if (msg.topic === "entries") {
    const cache = flow.get("entries") || {};
    rows.forEach(r => { if (r.Product2 && r.Product2.Clarity_Product_Key__c) cache[r.Product2.Clarity_Product_Key__c] = r.Id; });
    flow.set("entries", cache);
    flow.set("creating", {});
    flow.set("parked", []);
    if (msg.payload.nextRecordsUrl) {
        return { topic: "entries", method: "GET", headers: { Authorization: flow.get("sfAuth") },
            url: env.get("SF_URL") + msg.payload.nextRecordsUrl };
    }
    flow.set("entriesLoaded", true);
}
return null;
`);

fn("clarity-login-req", "Clarity login request", 1, [["clarity-login"]], `
const retry = msg.retry; // an order whose fetch got 401 comes back here
msg = { retry, method: "POST", url: env.get("CLARITY_URL") + "/auth/identity",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    payload: JSON.stringify({ Username: env.get("CLARITY_USER"), Password: env.get("CLARITY_PASSWORD"), RememberMe: true }) };
return msg;
`);
httpRequest("clarity-login", "POST /auth/identity", ["clarity-session"]);

fn("clarity-session", "store Clarity session", 1, [["clarity-fetch-req"]], `
if (msg.statusCode !== 200) {
    node.error("Clarity login failed: HTTP " + msg.statusCode + " " + JSON.stringify(msg.payload));
    return null;
}
let pid = "";
[].concat(msg.headers["set-cookie"] || []).forEach(c => {
    const pair = c.split(";")[0].trim();
    if (pair.startsWith("ss-pid=")) pid = pair.substring(7);
});
flow.set("claritySession", pid || msg.payload.SessionId);
return msg.retry || null;
`);

// ------------------------------------------------------------------------------------------------ health
add({ id: "health-in", type: "http in", name: "GET /health", url: "/health", method: "get", upload: false,
    skipBodyParsing: false, swaggerDoc: "", wires: [["health"]] });
fn("health", "ready?", 1, [["health-out"]], `
const ready = flow.get("sfAuth") && flow.get("pricebookId") && flow.get("recordTypes") && flow.get("entriesLoaded")
    && flow.get("claritySession");
msg.statusCode = ready ? 200 : 503;
msg.payload = { status: ready ? "UP" : "STARTING" };
return msg;
`);
httpResponse("health-out", "health");

// ------------------------------------------------------------------------------------------------ webhook
add({ id: "webhook-in", type: "http in", name: "POST /webhooks/clarity", url: "/webhooks/clarity", method: "post",
    upload: false, skipBodyParsing: true, swaggerDoc: "", wires: [["verify"]] });

fn("verify", "verify X-Clarity-Signature", 2, [["ack"], ["clarity-fetch-req"]], `
// t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>; 5 minutes of tolerance
const raw = Buffer.isBuffer(msg.payload) ? msg.payload : Buffer.from(String(msg.payload || ""));
const header = msg.req.headers["x-clarity-signature"] || "";
let t = null;
const v1 = [];
header.split(",").forEach(part => {
    const eq = part.indexOf("=");
    const k = part.substring(0, eq).trim(), v = part.substring(eq + 1).trim();
    if (k === "t") t = v; else if (k === "v1") v1.push(v);
});
let ok = t !== null && /^[0-9]+$/.test(t) && Math.abs(Date.now() / 1000 - Number(t)) <= 300;
if (ok) {
    const expected = crypto.createHmac("sha256", env.get("WEBHOOK_SECRET")).update(t + ".").update(raw).digest();
    ok = v1.some(h => h.length === 64 && crypto.timingSafeEqual(Buffer.from(h, "hex"), expected));
}
let event = null;
if (ok) {
    try { event = JSON.parse(raw.toString("utf8")); } catch (e) { ok = false; }
}
const ack = { res: msg.res, _msgid: msg._msgid, statusCode: ok ? 202 : 401,
    payload: ok ? { accepted: true } : { error: "invalid signature" } };
if (!ok || event.EventType !== "SalesOrder.Created" && event.EventType !== "SalesOrder.Updated") {
    return [ack, null];
}
return [ack, { event, attempt: 0 }];
`, [{ var: "crypto", module: "crypto" }]);
httpResponse("ack", "202 Accepted");

fn("clarity-fetch-req", "GET order from Clarity", 1, [["clarity-fetch"]], `
msg.method = "GET";
msg.url = env.get("CLARITY_URL") + "/Ordering/SalesOrder/ID/" + msg.event.ID;
msg.headers = { Accept: "application/json", "X-ss-pid": flow.get("claritySession"), "X-ss-opt": "perm" };
delete msg.payload;
return msg;
`);
httpRequest("clarity-fetch", "GET /Ordering/SalesOrder/ID/{id}", ["map"]);

fn("map", "map to Composite Graph", 3, [["graph-post"], ["ensure-products"], ["clarity-login-req"]], `
// From clarity-order-to-salesforce.jsonata: Account, Contact and Order upserted by their Clarity keys, one OrderItem
// per sales item and per non-zero charge (tax, shipping, handling, fees, discounts), all in one graph.
if (msg.order === undefined) {
    if (msg.statusCode === 401 && !msg.relogged) {
        msg.relogged = true;
        return [null, null, { retry: msg }];
    }
    if (msg.statusCode !== 200) {
        node.error("Clarity GET order " + msg.event.ID + ": HTTP " + msg.statusCode, msg);
        return null;
    }
    msg.order = msg.payload;
}
const o = msg.order;
const entries = flow.get("entries");
const products = [];
const items = o.SalesItems || [];
items.forEach(it => products.push({ key: it.ProductKey || it.Sku, name: it.ProductName || it.Name, sku: it.Sku,
    listPrice: it.UnitCorePrice || it.UnitSoldPrice }));
const t = o.Totals || {};
const charges = [["TAX", "Tax", t.Tax], ["SHIPPING", "Shipping", t.Shipping], ["HANDLING", "Handling", t.Handling],
    ["FEES", "Fees", t.Fees], ["DISCOUNT", "Discounts", t.Discounts ? -t.Discounts : 0]].filter(c => c[2]);
charges.forEach(c => products.push({ key: "CLARITY-" + c[0], name: c[1], sku: "CLARITY-" + c[0], listPrice: 0 }));
const missing = products.filter(p => !entries[p.key]);
if (missing.length > 0) {
    msg.missing = missing;
    return [null, msg, null];
}
const enc = encodeURIComponent;
const orderKey = o.CustomKey || "SO-" + o.ID;
const contact = o.BillingContact || o.ShippingContact || {};
const a = contact.Address || {};
const fullName = [contact.FirstName, contact.LastName].filter(Boolean).join(" ").trim();
const isB2B = Boolean(a.Company) || Boolean(o.AccountName && o.AccountName !== fullName);
const recordTypeId = flow.get("recordTypes")[isB2B ? "Business" : "Consumer"];
const clean = obj => { Object.keys(obj).forEach(k => obj[k] === undefined || obj[k] === null ? delete obj[k] : 0); return obj; };
const accountKey = o.AccountKey || "CEF-ACCOUNT-" + o.AccountID;
const contactKey = contact.CustomKey || o.BillingContactKey || "CEF-CONTACT-" + (contact.ID || o.BillingContactID);
const V = "${V}";
const req = [
    { method: "PATCH", url: V + "/sobjects/Account/Clarity_Account_Key__c/" + enc(accountKey), referenceId: "account",
      body: clean({ Name: o.AccountName || fullName || undefined, RecordTypeId: recordTypeId, Phone: contact.Phone1,
          BillingStreet: a.Street1, BillingCity: a.City, BillingState: a.RegionCode, BillingPostalCode: a.PostalCode,
          BillingCountry: a.CountryCode }) },
    { method: "PATCH", url: V + "/sobjects/Contact/Clarity_Contact_Key__c/" + enc(contactKey), referenceId: "contact",
      body: clean({ AccountId: "@{account.id}", FirstName: contact.FirstName, LastName: contact.LastName,
          Email: contact.Email1 || o.UserContactEmail, Phone: contact.Phone1, MailingStreet: a.Street1,
          MailingCity: a.City, MailingState: a.RegionCode, MailingPostalCode: a.PostalCode, MailingCountry: a.CountryCode }) },
    { method: "PATCH", url: V + "/sobjects/Order/Clarity_Order_Key__c/" + enc(orderKey), referenceId: "order",
      body: clean({ AccountId: "@{account.id}", BillToContactId: "@{contact.id}", Pricebook2Id: flow.get("pricebookId"),
          Name: orderKey, EffectiveDate: String(o.CreatedDate).substring(0, 10), Status: "Draft",
          PoNumber: o.PurchaseOrderNumber,
          Description: "Clarity order " + orderKey + (o.TypeKey ? " (" + o.TypeKey + ")" : ""),
          BillingStreet: a.Street1, BillingCity: a.City, BillingState: a.RegionCode, BillingPostalCode: a.PostalCode,
          BillingCountry: a.CountryCode }) }
];
items.forEach((it, i) => req.push({ method: "PATCH", referenceId: "item" + it.ID,
    url: V + "/sobjects/OrderItem/Clarity_Order_Item_Key__c/" + enc(it.CustomKey || orderKey + "-" + it.ID),
    body: clean({ OrderId: "@{order.id}", Quantity: it.Quantity, UnitPrice: it.UnitSoldPrice, Description: it.Name,
        PricebookEntryId: entries[products[i].key] }) }));
charges.forEach((c, i) => req.push({ method: "PATCH", referenceId: "charge" + (i + 1),
    url: V + "/sobjects/OrderItem/Clarity_Order_Item_Key__c/" + enc(orderKey + "-" + c[0]),
    body: { OrderId: "@{order.id}", Quantity: 1, UnitPrice: c[0] === "DISCOUNT" ? -t.Discounts : c[2],
        Description: c[1] + " (Clarity order " + orderKey + ")", PricebookEntryId: entries["CLARITY-" + c[0]] } }));
msg.graph = { graphs: [{ graphId: "order", compositeRequest: req }] };
return [msg, null, null];
`);

fn("ensure-products", "create missing products once", 2, [["products-post"], ["map"]], `
// Orders that need a product not yet in Salesforce wait here; each missing product is created by one graph
// (Product2 upserted by Clarity_Product_Key__c, then its standard PricebookEntry), never twice at once.
const entries = flow.get("entries"), creating = flow.get("creating"), parked = flow.get("parked");
if (msg.topic === "created") {
    // a creation finished (successfully or not): release the orders that no longer wait
    const still = [];
    const release = [];
    parked.forEach(m => (m.missing.every(p => entries[p.key]) || m.missing.some(p => !entries[p.key] && !creating[p.key])
        ? release : still).push(m));
    flow.set("parked", still);
    return [null, release.map(m => { delete m.missing; return m; })];
}
const fresh = msg.missing.filter(p => !entries[p.key] && !creating[p.key]);
parked.push(msg);
if (fresh.length === 0) {
    return null;
}
fresh.forEach(p => creating[p.key] = true);
const V = "${V}";
const graphs = fresh.map((p, i) => ({ graphId: "product" + i, compositeRequest: [
    { method: "PATCH", url: V + "/sobjects/Product2/Clarity_Product_Key__c/" + encodeURIComponent(p.key),
      referenceId: "product", body: Object.assign({ Name: p.name, IsActive: true }, p.sku ? { ProductCode: p.sku } : {}) },
    { method: "POST", url: V + "/sobjects/PricebookEntry", referenceId: "entry",
      body: { Pricebook2Id: flow.get("pricebookId"), Product2Id: "@{product.id}", UnitPrice: p.listPrice || 0, IsActive: true } }
]}));
return [{ products: fresh, method: "POST", url: env.get("SF_URL") + V + "/composite/graph",
    headers: { Authorization: flow.get("sfAuth"), "Content-Type": "application/json" }, payload: { graphs } }, null];
`);
httpRequest("products-post", "POST /composite/graph (products)", ["products-created"]);

fn("products-created", "cache new price-book entries", 1, [["ensure-products"]], `
const entries = flow.get("entries"), creating = flow.get("creating");
const graphs = msg.statusCode === 200 && msg.payload.graphs || [];
msg.products.forEach((p, i) => {
    const g = graphs.find(x => x.graphId === "product" + i);
    const entry = g && g.isSuccessful && g.graphResponse.compositeResponse.find(r => r.referenceId === "entry");
    if (entry) {
        entries[p.key] = entry.body.id;
    } else {
        node.warn("product " + p.key + " not created: HTTP " + msg.statusCode + " " + JSON.stringify(g || msg.payload));
    }
    delete creating[p.key];
});
return { topic: "created" };
`);

fn("graph-post", "POST Composite Graph", 1, [["graph"]], `
msg.method = "POST";
msg.url = env.get("SF_URL") + "${V}/composite/graph";
msg.headers = { Authorization: flow.get("sfAuth"), "Content-Type": "application/json" };
msg.payload = msg.graph;
return msg;
`);
httpRequest("graph", "POST /services/data/v64.0/composite/graph", ["graph-result"]);

fn("graph-result", "check result; retry", 1, [["graph-post"]], `
const g = msg.statusCode === 200 && msg.payload.graphs && msg.payload.graphs[0];
if (g && g.isSuccessful) {
    return null; // done: the order and its items are in Salesforce
}
msg.attempt = (msg.attempt || 0) + 1;
if (msg.attempt > 5) {
    node.error("order " + msg.event.ID + " failed after 5 retries: HTTP " + msg.statusCode + " "
        + JSON.stringify(g ? g.graphResponse : msg.payload).substring(0, 500));
    return null;
}
setTimeout(() => node.send(msg), 200 * msg.attempt);
return null;
`);

fs.writeFileSync(path.join(__dirname, "flows.json"), JSON.stringify(nodes, null, 2) + "\n");
console.log("wrote flows.json: " + nodes.length + " nodes");
