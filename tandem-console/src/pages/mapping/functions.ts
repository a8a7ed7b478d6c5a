// The functions a mapping expression can call, each with a one-line doc, offered beside the expression editor.
// JSONata's own: https://docs.jsonata.org/string-functions, /numeric-functions, /aggregation-functions,
// /boolean-functions, /array-functions, /object-functions, /date-time-functions, /higher-order-functions.
// Tandem's own: docs/flows.md, "Transformation functions".

export interface FunctionDoc {
  name: string;
  signature: string;
  doc: string;
  source: 'JSONata' | 'Tandem';
}

const jsonata: [string, string][] = [
  ['$string(arg)', 'Casts the argument to a string.'],
  ['$length(str)', 'The number of characters in the string.'],
  ['$substring(str, start, length?)', 'The part of the string from start (0-based), of at most length characters.'],
  ['$substringBefore(str, chars)', 'The part of the string before the first occurrence of chars.'],
  ['$substringAfter(str, chars)', 'The part of the string after the first occurrence of chars.'],
  ['$uppercase(str)', 'The string in upper case.'],
  ['$lowercase(str)', 'The string in lower case.'],
  ['$trim(str)', 'Removes leading and trailing blanks and collapses inner runs to one space.'],
  ['$pad(str, width, char?)', 'Pads the string to width (negative: on the left) with char (default a space).'],
  ['$contains(str, pattern)', 'Whether the string contains the pattern (a string or a regex).'],
  ['$split(str, separator, limit?)', 'Splits the string into an array at the separator.'],
  ['$join(array, separator?)', 'Joins an array of strings into one string.'],
  ['$replace(str, pattern, replacement, limit?)', 'Replaces occurrences of the pattern with the replacement.'],
  ['$match(str, pattern, limit?)', 'The regex matches in the string, with their groups.'],
  ['$number(arg)', 'Casts the argument (e.g. a numeric string) to a number.'],
  ['$abs(number)', 'The absolute value.'],
  ['$floor(number)', 'Rounds down to the next whole number.'],
  ['$ceil(number)', 'Rounds up to the next whole number.'],
  ['$round(number, precision?)', 'Rounds half to even to precision decimal places.'],
  ['$formatNumber(number, picture)', 'Formats a number with an XPath picture string, e.g. "#,##0.00".'],
  ['$sum(array)', 'The sum of an array of numbers.'],
  ['$max(array)', 'The largest number of the array.'],
  ['$min(array)', 'The smallest number of the array.'],
  ['$average(array)', 'The mean of an array of numbers.'],
  ['$count(array)', 'The number of items in the array.'],
  ['$boolean(arg)', 'Casts the argument to a Boolean (empty string, 0, null, [] are false).'],
  ['$not(arg)', 'The logical negation of the argument.'],
  ['$exists(arg)', 'Whether the expression has a value (the field is present).'],
  ['$append(array1, array2)', 'The two arrays (or values) joined into one array.'],
  ['$sort(array, function?)', 'The array sorted (by the comparator function when given).'],
  ['$reverse(array)', 'The array in reverse order.'],
  ['$distinct(array)', 'The array without duplicate values.'],
  ['$keys(object)', 'The keys of the object.'],
  ['$lookup(object, key)', 'The value of a key in an object (JSONata\'s; Tandem\'s $lookup takes a table name).'],
  ['$merge(array)', 'The objects of the array merged into one (later keys win).'],
  ['$type(value)', 'The value\'s JSON type: "string", "number", "boolean", "array", "object", "null".'],
  ['$now()', 'The current time as an ISO 8601 timestamp.'],
  ['$millis()', 'The current time in epoch milliseconds.'],
  ['$fromMillis(number, picture?, timezone?)', 'Epoch milliseconds as an ISO 8601 (or pictured) timestamp.'],
  ['$toMillis(timestamp, picture?)', 'An ISO 8601 (or pictured) timestamp as epoch milliseconds.'],
  ['$map(array, function)', 'The function applied to each item of the array.'],
  ['$filter(array, function)', 'The items of the array for which the function is true.'],
  ['$reduce(array, function, init?)', 'The array folded into one value with the function.'],
];

const tandem: [string, string][] = [
  ['$toIsoDate(value, zone?)', 'The calendar date yyyy-MM-dd (an instant read in zone, default UTC).'],
  ['$toIsoDateTime(value, fromZone?, toZone?)', 'An ISO 8601 date-time with offset, to the millisecond.'],
  ['$roundAmount(amount, currency?, mode?)', 'Rounds to the currency\'s minor units (HALF_EVEN by default).'],
  ['$currencyCode(code)', 'The ISO 4217 code in upper case; an invalid code is an error.'],
  ['$isCurrencyCode(code)', 'Whether the value is an ISO 4217 code.'],
  ['$countryCode(value)', 'ISO 3166-1 alpha-2 code from a name or an alpha-2/alpha-3 code.'],
  ['$countryName(value)', 'The country\'s English short name.'],
  ['$isCountry(value)', 'Whether the value names a country.'],
  ['$stateCode(value, country?)', 'The state or province code as Salesforce\'s BillingStateCode takes it.'],
  ['$toE164(phone, region?)', 'The phone number in E.164; an invalid number is an error.'],
  ['$isValidPhone(phone, region?)', 'Whether the number is valid for the region.'],
  ['$picklist(value, mapName, default?)', 'The value the flow\'s picklist map gives; an unknown value fails validation.'],
  ['$lookup(table, key, column?)', 'The row (or one column) of the flow\'s lookup table for key.'],
  ['$splitName(full)', '{salutation, first, middle, last, suffix} from a full name.'],
  ['$joinName(first, last)', 'Joins the non-blank parts with a space.'],
  ['$convertUnit(value, from, to)', 'Converts a quantity between units, e.g. lb to kg.'],
];

function docs(list: [string, string][], source: FunctionDoc['source']): FunctionDoc[] {
  return list.map(([signature, doc]) => ({ name: signature.slice(0, signature.indexOf('(')), signature, doc, source }));
}

export const FUNCTIONS: FunctionDoc[] = [...docs(tandem, 'Tandem'), ...docs(jsonata, 'JSONata')];

/** The functions whose name starts with (or contains) the word being typed, best first. */
export function matchingFunctions(word: string, limit = 8): FunctionDoc[] {
  const w = word.replace(/^\$/, '').toLowerCase();
  if (!w) {
    return FUNCTIONS.slice(0, limit);
  }
  const starts = FUNCTIONS.filter((f) => f.name.slice(1).toLowerCase().startsWith(w));
  const contains = FUNCTIONS.filter((f) => !starts.includes(f) && f.name.toLowerCase().includes(w));
  return [...starts, ...contains].slice(0, limit);
}

/** The $word right before the caret in the text, or null. */
export function wordAt(text: string, caret: number): string | null {
  const m = /\$[A-Za-z0-9]*$/.exec(text.slice(0, caret));
  return m ? m[0] : null;
}
