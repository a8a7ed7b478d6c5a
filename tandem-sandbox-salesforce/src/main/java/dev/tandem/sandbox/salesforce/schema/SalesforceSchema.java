package dev.tandem.sandbox.salesforce.schema;

import static dev.tandem.sandbox.salesforce.schema.FieldDefinition.clarityKey;
import static dev.tandem.sandbox.salesforce.schema.FieldDefinition.of;
import static dev.tandem.sandbox.salesforce.schema.FieldDefinition.reference;
import static dev.tandem.sandbox.salesforce.schema.FieldDefinition.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of the emulated org: the standard objects the integration touches (spec §3) with the standard
 * fields it uses, the Clarity key fields (Text(128), External ID, Unique) and the system fields every record has.
 */
public final class SalesforceSchema {

    public static final String ACCOUNT = "Account";
    public static final String CONTACT = "Contact";
    public static final String PRODUCT2 = "Product2";
    public static final String PRICEBOOK2 = "Pricebook2";
    public static final String PRICEBOOK_ENTRY = "PricebookEntry";
    public static final String ORDER = "Order";
    public static final String ORDER_ITEM = "OrderItem";
    public static final String OPPORTUNITY = "Opportunity";
    public static final String OPPORTUNITY_LINE_ITEM = "OpportunityLineItem";
    public static final String RECORD_TYPE = "RecordType";
    /** The active currencies of a multi-currency org (setup data: seeded, read by SOQL). */
    public static final String CURRENCY_TYPE = "CurrencyType";
    /** The per-location stock of a Clarity product (issue 11): a custom object an org adds for Tandem. */
    public static final String CLARITY_INVENTORY = "Clarity_Inventory__c";

    /** A child relationship of describe's {@code childRelationships} and of sObject Tree bodies (§2.6, §2.11). */
    public record ChildRelationship(SObjectDefinition child, FieldDefinition field, String relationshipName) {
    }

    /** Account.Industry's standard values; restricted in this org (spec §2.12 INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). */
    static final String[] INDUSTRIES = {"Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals",
        "Communications", "Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering",
        "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality",
        "Insurance", "Machinery", "Manufacturing", "Media", "Not For Profit", "Other", "Recreation", "Retail",
        "Shipping", "Technology", "Telecommunications", "Transportation", "Utilities"};
    /** Opportunity.StageName's standard sales process stages (restricted). */
    static final String[] STAGES = {"Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
        "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won",
        "Closed Lost"};

    public static final String STATUS_DRAFT = "Draft";
    public static final String STATUS_ACTIVATED = "Activated";

    /** The developer name of the person-account record type an org with Person Accounts has on Account. */
    public static final String PERSON_ACCOUNT_RECORD_TYPE = "PersonAccount";

    /**
     * A person account's own field and the field of its person contact it mirrors: standard Contact fields surface on
     * Account with a {@code Person} prefix (or under their own name: FirstName, LastName, Salutation, Phone), custom
     * ones with the {@code __pc} suffix (spec §3.5;
     * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm,
     * "Person Account Fields").
     */
    public record PersonField(String accountField, String contactField) {
    }

    private static final List<PersonField> PERSON_FIELDS = List.of(
            new PersonField("FirstName", "FirstName"),
            new PersonField("LastName", "LastName"),
            new PersonField("Salutation", "Salutation"),
            new PersonField("Phone", "Phone"),
            new PersonField("PersonEmail", "Email"),
            new PersonField("PersonMobilePhone", "MobilePhone"),
            new PersonField("PersonHomePhone", "HomePhone"),
            new PersonField("PersonTitle", "Title"),
            new PersonField("PersonBirthdate", "Birthdate"),
            new PersonField("PersonMailingStreet", "MailingStreet"),
            new PersonField("PersonMailingCity", "MailingCity"),
            new PersonField("PersonMailingState", "MailingState"),
            new PersonField("PersonMailingPostalCode", "MailingPostalCode"),
            new PersonField("PersonMailingCountry", "MailingCountry"),
            new PersonField("Clarity_Contact_Key__pc", "Clarity_Contact_Key__c"));

    private final Map<String, SObjectDefinition> byLowerName;
    private final boolean personAccounts;
    private final List<String> currencies;

    private SalesforceSchema(Collection<SObjectDefinition> objects, boolean personAccounts, List<String> currencies) {
        Map<String, SObjectDefinition> map = new LinkedHashMap<>();
        objects.forEach(o -> map.put(o.name().toLowerCase(Locale.ROOT), o));
        this.byLowerName = map;
        this.personAccounts = personAccounts;
        this.currencies = List.copyOf(currencies);
    }

    /**
     * The org's active currencies when it has multiple currencies enabled, the corporate currency first; empty for a
     * single-currency org (the default of real orgs). Multi-currency "can't be disabled" once enabled (Salesforce
     * Help, "Enable Multiple Currencies", https://help.salesforce.com/s/articleView?id=sf.admin_enable_multicurrency.htm).
     */
    public List<String> currencies() {
        return currencies;
    }

    /** Whether the org has multiple currencies: records carry a {@code CurrencyIsoCode}. */
    public boolean multiCurrency() {
        return !currencies.isEmpty();
    }

    /** Whether the org has Person Accounts enabled (an org-level, irreversible setting, spec §3.5). */
    public boolean personAccounts() {
        return personAccounts;
    }

    /**
     * The Account fields a person account shares with its person contact, and the Contact field each mirrors;
     * empty when the org has no Person Accounts. Phone is a business field too: on a person account it is the
     * contact's Phone [inferred from the object reference's field list].
     */
    public List<PersonField> personFields() {
        return personAccounts ? PERSON_FIELDS : List.of();
    }

    public Optional<SObjectDefinition> object(String anyCase) {
        return Optional.ofNullable(byLowerName.get(anyCase.toLowerCase(Locale.ROOT)));
    }

    public SObjectDefinition require(String name) {
        return object(name).orElseThrow(() -> new IllegalArgumentException("unknown sObject " + name));
    }

    public Collection<SObjectDefinition> objects() {
        return byLowerName.values();
    }

    /** The object whose ids start with {@code keyPrefix}. */
    public Optional<SObjectDefinition> objectByKeyPrefix(String keyPrefix) {
        return byLowerName.values().stream().filter(o -> o.keyPrefix().equals(keyPrefix)).findFirst();
    }

    /** A copy of this schema with one more field on {@code objectName} (an org's own custom fields). */
    public SalesforceSchema withField(String objectName, FieldDefinition field) {
        List<SObjectDefinition> objects = new ArrayList<>();
        SObjectDefinition target = require(objectName);
        for (SObjectDefinition o : byLowerName.values()) {
            objects.add(o == target ? o.withField(field) : o);
        }
        return new SalesforceSchema(objects, personAccounts, currencies);
    }

    /** The objects of an org without Person Accounts (the default of real orgs). */
    public static SalesforceSchema standard() {
        return standard(false);
    }

    /** The objects of an org with or without Person Accounts (spec §3.5). */
    public static SalesforceSchema standard(boolean personAccounts) {
        return standard(personAccounts, List.of());
    }

    /**
     * The objects of an org with or without Person Accounts (spec §3.5) and with the given active currencies
     * (corporate first; empty: a single-currency org). With currencies, the objects Tandem writes gain
     * {@code CurrencyIsoCode}, "Available only for organizations with the multicurrency feature enabled. Contains the
     * ISO code for any currency allowed by the organization" (a restricted picklist; PricebookEntry object
     * reference, https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm).
     * A new record without one takes the corporate currency [inferred: the platform defaults it to the running
     * user's currency, which for an integration user is usually the corporate one]. An entry's currency is set at
     * creation; order and opportunity lines take their parent's.
     */
    public static SalesforceSchema standard(boolean personAccounts, List<String> currencies) {
        for (String code : currencies) {
            if (code == null || !code.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("A currency must be a three-letter ISO 4217 code in upper case, not '"
                        + code + "'");
            }
        }
        if (currencies.stream().distinct().count() != currencies.size()) {
            throw new IllegalArgumentException("The currencies " + currencies + " name one twice");
        }
        SalesforceSchema plain = standardObjects(personAccounts, currencies);
        if (currencies.isEmpty()) {
            return plain;
        }
        String[] codes = currencies.toArray(String[]::new);
        FieldDefinition currency = of("CurrencyIsoCode", "Currency ISO Code", FieldType.PICKLIST, 3)
                .withPicklist(true, codes).withDefault(codes[0]);
        List<SObjectDefinition> objects = new ArrayList<>();
        for (SObjectDefinition o : plain.objects()) {
            objects.add(switch (o.name()) {
                case ACCOUNT, CONTACT, PRODUCT2, PRICEBOOK2, ORDER, OPPORTUNITY, CLARITY_INVENTORY -> o.withField(currency);
                case PRICEBOOK_ENTRY -> o.withField(currency.asCreateOnly());
                case ORDER_ITEM, OPPORTUNITY_LINE_ITEM -> o.withField(currency.asReadOnly());
                default -> o;
            });
        }
        objects.add(currencyType());
        return new SalesforceSchema(objects, personAccounts, currencies);
    }

    /**
     * {@code CurrencyType}: "Represents the currencies used by an organization for which the multicurrency feature is
     * enabled" (object reference,
     * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_currencytype.htm):
     * IsoCode, ConversionRate (to the corporate currency), DecimalPlaces, IsActive, IsCorporate. The sandbox seeds one
     * row per active currency and serves them to SOQL; it does not model exchange rates (every ConversionRate is 1)
     * nor their edits. The key prefix is the sandbox's own [inferred].
     */
    private static SObjectDefinition currencyType() {
        List<FieldDefinition> f = system();
        f.add(text("IsoCode", "Currency ISO Code", 3).asReadOnly());
        f.add(of("ConversionRate", "Conversion Rate", FieldType.DOUBLE, 0).asReadOnly());
        f.add(of("DecimalPlaces", "Decimal Places", FieldType.DOUBLE, 0).asReadOnly());
        f.add(of("IsActive", "Active", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE).asReadOnly());
        f.add(of("IsCorporate", "Corporate Currency", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE).asReadOnly());
        return new SObjectDefinition(CURRENCY_TYPE, "Currency Type", "02c", f);
    }

    private static SalesforceSchema standardObjects(boolean personAccounts, List<String> currencies) {
        SObjectDefinition account = account();
        SObjectDefinition contact = contact();
        SObjectDefinition recordType = recordType();
        if (personAccounts) {
            account = personAccount(account);
            contact = personContact(contact);
            // "Record types are person account record types if ... IsPersonType" (RecordType object reference,
            // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_recordtype.htm).
            recordType = recordType.withField(of("IsPersonType", "Is Person Type", FieldType.BOOLEAN, 0)
                    .withDefault(Boolean.FALSE).asReadOnly());
        }
        return new SalesforceSchema(List.of(account, contact, product2(), pricebook2(), pricebookEntry(), order(),
                orderItem(), opportunity(), opportunityLineItem(), recordType, clarityInventory()), personAccounts,
                currencies);
    }

    /**
     * Account in an org with Person Accounts: the person fields, IsPersonAccount (read-only, set from the record
     * type) and PersonContactId (read-only, the implicit person contact). Name stays required in describe: a person
     * account's Name is derived from FirstName and LastName before the check.
     */
    private static SObjectDefinition personAccount(SObjectDefinition account) {
        List<FieldDefinition> f = new ArrayList<>(account.fields());
        f.add(text("FirstName", "First Name", 40));
        f.add(text("LastName", "Last Name", 80));
        f.add(salutation());
        f.add(of("IsPersonAccount", "Is Person Account", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE)
                .asReadOnly());
        f.add(reference("PersonContactId", "Person Contact ID", CONTACT, "PersonContact", DeleteRule.SET_NULL)
                .asReadOnly());
        f.add(of("PersonEmail", "Email", FieldType.EMAIL, 80));
        f.add(of("PersonMobilePhone", "Mobile", FieldType.PHONE, 40));
        f.add(of("PersonHomePhone", "Home Phone", FieldType.PHONE, 40));
        f.add(text("PersonTitle", "Title", 80));
        f.add(of("PersonBirthdate", "Birthdate", FieldType.DATE, 0));
        for (FieldDefinition mailing : address("Mailing")) {
            f.add(new FieldDefinition("Person" + mailing.name(), mailing.label(), mailing.type(), mailing.length(),
                    true, true, false, false, false, null, null, null, List.of(), false, null));
        }
        f.add(text("Clarity_Contact_Key__pc", "Clarity Contact Key", 128));
        return new SObjectDefinition(ACCOUNT, account.label(), account.keyPrefix(), f);
    }

    /** Contact in an org with Person Accounts: IsPersonAccount and the fields a person account mirrors. */
    private static SObjectDefinition personContact(SObjectDefinition contact) {
        List<FieldDefinition> f = new ArrayList<>(contact.fields());
        f.add(salutation());
        f.add(of("HomePhone", "Home Phone", FieldType.PHONE, 40));
        f.add(of("Birthdate", "Birthdate", FieldType.DATE, 0));
        f.add(of("IsPersonAccount", "Is Person Account", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE)
                .asReadOnly());
        return new SObjectDefinition(CONTACT, contact.label(), contact.keyPrefix(), f);
    }

    private static FieldDefinition salutation() {
        return text("Salutation", "Salutation", 40).withPicklist(false, "Mr.", "Ms.", "Mrs.", "Dr.", "Prof.");
    }

    private static SObjectDefinition account() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Account Name", 255).asRequired());
        f.add(text("AccountNumber", "Account Number", 40));
        f.add(of("Phone", "Account Phone", FieldType.PHONE, 40));
        f.add(of("Website", "Website", FieldType.URL, 255));
        f.add(text("Industry", "Industry", 255).withPicklist(true, INDUSTRIES));
        f.add(text("Type", "Account Type", 255).withPicklist(false, "Prospect", "Customer - Direct",
                "Customer - Channel", "Channel Partner / Reseller", "Installation Partner", "Technology Partner",
                "Other"));
        f.addAll(address("Billing"));
        f.addAll(address("Shipping"));
        f.add(of("Description", "Account Description", FieldType.TEXTAREA, 32000));
        f.add(clarityKey("Clarity_Account_Key__c", "Clarity Account Key"));
        // "Record Type ID" on every object with record types; Account's are listed in describe's recordTypeInfos
        // (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_recordtype.htm,
        // "RecordType"). Defaulted on create to the default record type [inferred: the profile's default].
        f.add(reference("RecordTypeId", "Record Type ID", RECORD_TYPE, "RecordType", DeleteRule.RESTRICT));
        return new SObjectDefinition(ACCOUNT, "Account", "001", f);
    }

    private static SObjectDefinition contact() {
        List<FieldDefinition> f = system();
        f.add(text("FirstName", "First Name", 40));
        f.add(text("LastName", "Last Name", 80).asRequired());
        // Name is the compound full name: read-only, derived from FirstName and LastName.
        f.add(text("Name", "Full Name", 121).asReadOnly());
        f.add(of("Email", "Email", FieldType.EMAIL, 80));
        f.add(of("Phone", "Business Phone", FieldType.PHONE, 40));
        f.add(of("MobilePhone", "Mobile Phone", FieldType.PHONE, 40));
        f.add(text("Title", "Title", 128));
        f.add(reference("AccountId", "Account ID", ACCOUNT, "Account", DeleteRule.CASCADE));
        f.addAll(address("Mailing"));
        f.add(clarityKey("Clarity_Contact_Key__c", "Clarity Contact Key"));
        return new SObjectDefinition(CONTACT, "Contact", "003", f);
    }

    private static SObjectDefinition product2() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Product Name", 255).asRequired());
        f.add(text("ProductCode", "Product Code", 255));
        f.add(of("Description", "Product Description", FieldType.TEXTAREA, 4000));
        f.add(of("IsActive", "Active", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE));
        f.add(text("Family", "Product Family", 255).withPicklist(false));
        f.add(text("StockKeepingUnit", "Product SKU", 180));
        f.add(text("QuantityUnitOfMeasure", "Quantity Unit Of Measure", 255).withPicklist(false));
        f.add(clarityKey("Clarity_Product_Key__c", "Clarity Product Key"));
        // Stock on hand in Clarity (issue 11): a Number(18, 0) custom field the org adds for Tandem; plain and
        // writable, nothing derives it.
        f.add(of("Clarity_Quantity_On_Hand__c", "Clarity Quantity On Hand", FieldType.DOUBLE, 0));
        return new SObjectDefinition(PRODUCT2, "Product", "01t", f);
    }

    private static SObjectDefinition pricebook2() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Price Book Name", 255).asRequired());
        f.add(of("IsActive", "Active", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE));
        f.add(of("IsStandard", "Is Standard Price Book", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE)
                .asReadOnly());
        f.add(of("Description", "Description", FieldType.TEXTAREA, 255));
        // The Clarity price list a custom price book stands for (issue 11): a custom External ID the org adds.
        f.add(clarityKey("Clarity_Pricebook_Key__c", "Clarity Price Book Key"));
        return new SObjectDefinition(PRICEBOOK2, "Price Book", "01s", f);
    }

    private static SObjectDefinition pricebookEntry() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Product Name", 255).asReadOnly());
        f.add(reference("Pricebook2Id", "Price Book ID", PRICEBOOK2, "Pricebook2", DeleteRule.CASCADE)
                .asRequired().asCreateOnly());
        f.add(reference("Product2Id", "Product ID", PRODUCT2, "Product2", DeleteRule.CASCADE)
                .asRequired().asCreateOnly());
        f.add(of("UnitPrice", "List Price", FieldType.CURRENCY, 0).asRequired());
        f.add(of("IsActive", "Active", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE));
        f.add(of("UseStandardPrice", "Use Standard Price", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE));
        f.add(text("ProductCode", "Product Code", 255).asReadOnly());
        // The Clarity product and price list an entry carries (issue 11): a custom External ID the org adds, so an
        // entry is upserted like every other record Tandem writes.
        f.add(clarityKey("Clarity_Price_Key__c", "Clarity Price Key"));
        return new SObjectDefinition(PRICEBOOK_ENTRY, "Price Book Entry", "01u", f);
    }

    /**
     * {@code Clarity_Inventory__c} (issue 11): the stock of one product in one Clarity inventory location, a custom
     * object an org adds for Tandem — a lookup to the product, the location's key, the quantity, and the External ID
     * {@code Clarity_Inventory_Key__c} (product key and location key) it is upserted by. Custom objects have a
     * {@code Name} (text, 80) and a key prefix of the org's own ({@code a0…}).
     */
    private static SObjectDefinition clarityInventory() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Clarity Inventory Name", 80));
        f.add(reference("Product__c", "Product", PRODUCT2, "Product__r", DeleteRule.CASCADE).asRequired());
        f.add(text("Clarity_Location_Key__c", "Clarity Location Key", 255));
        f.add(of("Quantity__c", "Quantity", FieldType.DOUBLE, 0));
        f.add(clarityKey("Clarity_Inventory_Key__c", "Clarity Inventory Key"));
        return new SObjectDefinition(CLARITY_INVENTORY, "Clarity Inventory", "a0I", f);
    }

    private static SObjectDefinition order() {
        List<FieldDefinition> f = system();
        f.add(reference("AccountId", "Account ID", ACCOUNT, "Account", DeleteRule.RESTRICT).asRequired());
        f.add(of("EffectiveDate", "Order Start Date", FieldType.DATE, 0).asRequired());
        f.add(of("EndDate", "Order End Date", FieldType.DATE, 0));
        f.add(text("Status", "Status", 40).withPicklist(true, STATUS_DRAFT, STATUS_ACTIVATED).asRequired());
        f.add(text("StatusCode", "Status Category", 40).withPicklist(true, STATUS_DRAFT, STATUS_ACTIVATED)
                .asReadOnly());
        f.add(reference("Pricebook2Id", "Price Book ID", PRICEBOOK2, "Pricebook2", DeleteRule.RESTRICT));
        f.add(reference("BillToContactId", "Bill To Contact ID", CONTACT, "BillToContact", DeleteRule.SET_NULL));
        f.add(reference("ShipToContactId", "Ship To Contact ID", CONTACT, "ShipToContact", DeleteRule.SET_NULL));
        f.add(of("OrderNumber", "Order Number", FieldType.AUTONUMBER, 30).asReadOnly());
        f.add(text("Name", "Order Name", 80));
        f.add(text("PoNumber", "PO Number", 80));
        f.add(text("OrderReferenceNumber", "Order Reference Number", 80));
        f.add(text("Type", "Order Type", 255).withPicklist(false));
        f.add(of("Description", "Description", FieldType.TEXTAREA, 32000));
        f.addAll(address("Billing"));
        f.addAll(address("Shipping"));
        f.add(of("TotalAmount", "Order Amount", FieldType.CURRENCY, 0).asReadOnly());
        f.add(clarityKey("Clarity_Order_Key__c", "Clarity Order Key"));
        // Currency(16, 2) custom fields carrying Clarity's order Totals, which TotalAmount (the roll-up of the order
        // products only) cannot hold: issue 7 item 5. Plain writable fields; nothing derives them [inferred].
        f.add(of("Clarity_Subtotal__c", "Clarity Subtotal", FieldType.CURRENCY, 0));
        f.add(of("Clarity_Tax__c", "Clarity Tax", FieldType.CURRENCY, 0));
        f.add(of("Clarity_Shipping__c", "Clarity Shipping", FieldType.CURRENCY, 0));
        f.add(of("Clarity_Handling__c", "Clarity Handling", FieldType.CURRENCY, 0));
        f.add(of("Clarity_Discount__c", "Clarity Discount", FieldType.CURRENCY, 0));
        f.add(of("Clarity_Total__c", "Clarity Total", FieldType.CURRENCY, 0));
        return new SObjectDefinition(ORDER, "Order", "801", f);
    }

    private static SObjectDefinition orderItem() {
        List<FieldDefinition> f = system();
        f.add(reference("OrderId", "Order ID", ORDER, "Order", DeleteRule.CASCADE).asRequired().asCreateOnly());
        f.add(reference("PricebookEntryId", "Price Book Entry ID", PRICEBOOK_ENTRY, "PricebookEntry",
                DeleteRule.RESTRICT).asRequired().asCreateOnly());
        f.add(reference("Product2Id", "Product ID", PRODUCT2, "Product2", DeleteRule.RESTRICT).asReadOnly());
        f.add(of("OrderItemNumber", "Order Product Number", FieldType.AUTONUMBER, 30).asReadOnly());
        f.add(of("Quantity", "Quantity", FieldType.DOUBLE, 0).asRequired());
        f.add(of("UnitPrice", "Unit Price", FieldType.CURRENCY, 0).asRequired());
        f.add(of("ListPrice", "List Price", FieldType.CURRENCY, 0).asReadOnly());
        f.add(of("TotalPrice", "Total Price", FieldType.CURRENCY, 0).asReadOnly());
        f.add(text("Description", "Line Description", 255));
        f.add(of("ServiceDate", "Start Date", FieldType.DATE, 0));
        f.add(of("EndDate", "End Date", FieldType.DATE, 0));
        f.add(clarityKey("Clarity_Order_Item_Key__c", "Clarity Order Item Key"));
        return new SObjectDefinition(ORDER_ITEM, "Order Product", "802", f);
    }

    private static SObjectDefinition opportunity() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Name", 120).asRequired());
        f.add(text("StageName", "Stage", 255).withPicklist(true, STAGES).asRequired());
        f.add(of("CloseDate", "Close Date", FieldType.DATE, 0).asRequired());
        f.add(reference("AccountId", "Account ID", ACCOUNT, "Account", DeleteRule.SET_NULL));
        f.add(reference("Pricebook2Id", "Price Book ID", PRICEBOOK2, "Pricebook2", DeleteRule.RESTRICT));
        f.add(of("Amount", "Amount", FieldType.CURRENCY, 0));
        f.add(of("Probability", "Probability (%)", FieldType.DOUBLE, 0));
        f.add(text("Type", "Opportunity Type", 255).withPicklist(false, "Existing Customer - Upgrade",
                "Existing Customer - Replacement", "Existing Customer - Downgrade", "New Customer"));
        f.add(text("LeadSource", "Lead Source", 255).withPicklist(false, "Web", "Phone Inquiry",
                "Partner Referral", "Purchased List", "Other"));
        f.add(of("IsClosed", "Closed", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE).asReadOnly());
        f.add(of("IsWon", "Won", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE).asReadOnly());
        f.add(of("Description", "Description", FieldType.TEXTAREA, 32000));
        // The Clarity order an Opportunity was made from (the Order-to-Opportunity flow), keyed like Order's.
        f.add(clarityKey("Clarity_Order_Key__c", "Clarity Order Key"));
        return new SObjectDefinition(OPPORTUNITY, "Opportunity", "006", f);
    }

    /** Spec §3.4: OpportunityId, PricebookEntryId, Quantity, and UnitPrice or TotalPrice. */
    private static SObjectDefinition opportunityLineItem() {
        List<FieldDefinition> f = system();
        f.add(reference("OpportunityId", "Opportunity ID", OPPORTUNITY, "Opportunity", DeleteRule.CASCADE)
                .asRequired().asCreateOnly());
        f.add(reference("PricebookEntryId", "Price Book Entry ID", PRICEBOOK_ENTRY, "PricebookEntry",
                DeleteRule.RESTRICT).asRequired().asCreateOnly());
        f.add(reference("Product2Id", "Product ID", PRODUCT2, "Product2", DeleteRule.RESTRICT).asReadOnly());
        f.add(text("Name", "Opportunity Product Name", 376).asReadOnly());
        f.add(text("ProductCode", "Product Code", 255).asReadOnly());
        f.add(of("Quantity", "Quantity", FieldType.DOUBLE, 0).asRequired());
        f.add(of("UnitPrice", "Sales Price", FieldType.CURRENCY, 0));
        f.add(of("TotalPrice", "Total Price", FieldType.CURRENCY, 0));
        f.add(of("ListPrice", "List Price", FieldType.CURRENCY, 0).asReadOnly());
        f.add(of("Discount", "Discount", FieldType.DOUBLE, 0));
        f.add(of("ServiceDate", "Date", FieldType.DATE, 0));
        f.add(text("Description", "Line Description", 255));
        // The Clarity sales item a line was made from, keyed like OrderItem's Clarity_Order_Item_Key__c.
        f.add(clarityKey("Clarity_Line_Key__c", "Clarity Line Key"));
        return new SObjectDefinition(OPPORTUNITY_LINE_ITEM, "Opportunity Product", "00k", f);
    }

    /**
     * Record types are setup data: queryable (e.g. {@code SELECT Id, DeveloperName FROM RecordType WHERE SobjectType
     * = 'Account'}) but not written through the data API here; the sandbox seeds them (see
     * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_recordtype.htm,
     * "RecordType": Name, DeveloperName, SobjectType, IsActive, Description, BusinessProcessId).
     */
    private static SObjectDefinition recordType() {
        List<FieldDefinition> f = system();
        f.add(text("Name", "Record Type Name", 80).asReadOnly());
        f.add(text("DeveloperName", "Record Type Name", 80).asReadOnly());
        f.add(text("NamespacePrefix", "Namespace Prefix", 15).asReadOnly());
        f.add(text("Description", "Description", 255).asReadOnly());
        f.add(text("SobjectType", "SObject Type Name", 40).asReadOnly());
        f.add(of("IsActive", "Active", FieldType.BOOLEAN, 0).withDefault(Boolean.FALSE).asReadOnly());
        return new SObjectDefinition(RECORD_TYPE, "Record Type", "012", f);
    }

    /**
     * Child relationships of {@code parentType}: every lookup on it, named like the platform's standard ones
     * (Contacts, Orders, OrderItems, Opportunities, OpportunityLineItems, PricebookEntries).
     */
    public List<ChildRelationship> childRelationships(String parentType) {
        List<ChildRelationship> relationships = new ArrayList<>();
        for (SObjectDefinition object : byLowerName.values()) {
            for (FieldDefinition field : object.fields()) {
                if (field.isReference() && field.referenceTo().equals(parentType)) {
                    String name = field.relationshipName().equals(parentType) ? plural(object.name())
                            : plural(object.name()) + field.relationshipName().replace(parentType, "");
                    relationships.add(new ChildRelationship(object, field, name));
                }
            }
        }
        return relationships;
    }

    private static String plural(String name) {
        return name.endsWith("y") ? name.substring(0, name.length() - 1) + "ies" : name + "s";
    }

    /** System fields every record carries; all read-only. */
    private static List<FieldDefinition> system() {
        List<FieldDefinition> f = new ArrayList<>();
        f.add(of("Id", "Record ID", FieldType.ID, 18).asReadOnly());
        f.add(of("IsDeleted", "Deleted", FieldType.BOOLEAN, 0).asReadOnly());
        f.add(of("CreatedDate", "Created Date", FieldType.DATETIME, 0).asReadOnly());
        f.add(of("CreatedById", "Created By ID", FieldType.ID, 18).asReadOnly());
        f.add(of("LastModifiedDate", "Last Modified Date", FieldType.DATETIME, 0).asReadOnly());
        f.add(of("LastModifiedById", "Last Modified By ID", FieldType.ID, 18).asReadOnly());
        f.add(of("SystemModstamp", "System Modstamp", FieldType.DATETIME, 0).asReadOnly());
        return f;
    }

    private static List<FieldDefinition> address(String prefix) {
        return List.of(
                of(prefix + "Street", prefix + " Street", FieldType.TEXTAREA, 255),
                text(prefix + "City", prefix + " City", 40),
                text(prefix + "State", prefix + " State/Province", 80),
                text(prefix + "PostalCode", prefix + " Zip/Postal Code", 20),
                text(prefix + "Country", prefix + " Country", 80));
    }
}
