// Checks a response against the type the SDK itself declares for the method that fetched it: the TypeScript
// declarations shipped in node_modules/pipedrive are read with the TypeScript compiler, so the contract is
// Pipedrive's published one, not our reading of its docs.
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const require = createRequire(import.meta.url);
// The package's exports hide its package.json; its main entry is dist/index.js.
const versionsDir = path.join(path.dirname(require.resolve('pipedrive')), 'versions');
const entryFiles = ['v1', 'v2'].map((version) => path.join(versionsDir, version, 'index.d.ts'));
// strictNullChecks keeps `number | null` apart from `number`: a null where the SDK has no null is a failure.
const program = ts.createProgram(entryFiles, { strict: true, noEmit: true, skipLibCheck: true, types: [] });
const checker = program.getTypeChecker();

function exportsOf(version) {
    const file = program.getSourceFile(path.join(versionsDir, version, 'index.d.ts'));
    return checker.getExportsOfModule(checker.getSymbolAtLocation(file));
}

const exportCache = new Map();
function exported(version, name) {
    const key = `${version}:${name}`;
    if (!exportCache.has(key)) {
        let symbol = exportsOf(version).find((s) => s.name === name);
        if (!symbol) {
            throw new Error(`The SDK's ${version} exports nothing named ${name}.`);
        }
        if (symbol.flags & ts.SymbolFlags.Alias) {
            symbol = checker.getAliasedSymbol(symbol);
        }
        exportCache.set(key, symbol);
    }
    return exportCache.get(key);
}

/** The type a method of an SDK API class resolves to, e.g. ('v2', 'DealsApi', 'getDeals') → GetDealsResponse. */
export function responseTypeOf(version, apiClass, method) {
    const classType = checker.getDeclaredTypeOfSymbol(exported(version, apiClass));
    const member = classType.getProperty(method);
    if (!member) {
        throw new Error(`${version} ${apiClass} has no method ${method}.`);
    }
    const [signature] = checker.getTypeOfSymbol(member).getCallSignatures();
    const promised = checker.getPromisedTypeOfPromise(signature.getReturnType());
    return promised ?? signature.getReturnType();
}

export function modelType(version, name) {
    return checker.getDeclaredTypeOfSymbol(exported(version, name));
}

// Where Pipedrive's own servers send null and its SDK types the field as a plain optional value. The issue and
// Pipedrive's API reference both say the last page's next_cursor is null, so DealToLead sends null there too.
const nullAsPipedriveSendsIt = [/\.additional_data\.next_cursor$/];

const describe = (type) => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);

function problemsOf(value, type, where, depth) {
    const flags = type.flags;
    if (depth > 12 || flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
        return [];
    }
    if (type.isUnion()) {
        const attempts = type.types.map((member) => problemsOf(value, member, where, depth + 1));
        if (attempts.some((problems) => problems.length === 0)) {
            return [];
        }
        // A value of the right kind for some member (an object for an object type) is reported against that
        // member's fields; a value of no member's kind, against the union.
        const rightKind = attempts.filter((p) => !(p.length === 1 && p[0].startsWith(`${where}: `)));
        return rightKind.sort((a, b) => a.length - b.length)[0] ?? [`${where}: ${JSON.stringify(value)?.slice(0, 80)} is not ${describe(type)}`];
    }
    if (type.isIntersection()) {
        return type.types.flatMap((member) => problemsOf(value, member, where, depth + 1));
    }
    const wrongKind = (expected) => [`${where}: ${JSON.stringify(value)?.slice(0, 80)} is not ${expected}`];
    // A file parameter is typed as the DOM's File; Node's Blob and File (which lacks webkitRelativePath) are what the
    // SDK's FormData takes in Node.
    if (['File', 'Blob'].includes(type.getSymbol()?.getName()) && value instanceof Blob) return [];
    if (type.getCallSignatures().length > 0 && !(flags & ts.TypeFlags.Union)) return typeof value === 'function' ? [] : wrongKind(describe(type));
    if (flags & ts.TypeFlags.Null) return value === null ? [] : wrongKind('null');
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return value === undefined ? [] : wrongKind('undefined');
    if (flags & ts.TypeFlags.StringLiteral) return value === type.value ? [] : wrongKind(JSON.stringify(type.value));
    if (flags & ts.TypeFlags.NumberLiteral) return value === type.value ? [] : wrongKind(String(type.value));
    if (flags & ts.TypeFlags.BooleanLiteral) return value === (describe(type) === 'true') ? [] : wrongKind(describe(type));
    if (flags & ts.TypeFlags.String) return typeof value === 'string' ? [] : wrongKind('string');
    if (flags & ts.TypeFlags.Number) return typeof value === 'number' ? [] : wrongKind('number');
    if (flags & ts.TypeFlags.Boolean) return typeof value === 'boolean' ? [] : wrongKind('boolean');
    if (flags & ts.TypeFlags.NonPrimitive) return typeof value === 'object' && value !== null ? [] : wrongKind('object');
    if (!(flags & ts.TypeFlags.Object)) {
        return [];
    }
    if (checker.isArrayType(type)) {
        if (!Array.isArray(value)) return wrongKind(describe(type));
        const [element] = checker.getTypeArguments(type);
        return value.flatMap((item, i) => problemsOf(item, element, `${where}[${i}]`, depth + 1));
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return wrongKind(describe(type));
    }
    const problems = [];
    for (const property of checker.getPropertiesOfType(type)) {
        const name = property.getName();
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        if (value[name] === null && nullAsPipedriveSendsIt.some((path) => path.test(`${where}.${name}`))) {
            continue;
        }
        if (value[name] === undefined) {
            if (!optional) problems.push(`${where}.${name}: required by the SDK, missing`);
            continue;
        }
        problems.push(...problemsOf(value[name], checker.getTypeOfSymbol(property), `${where}.${name}`, depth + 1));
    }
    return problems;
}

/** What is wrong with the parameters a test passes to an SDK method, as its `…Request` interface types them. */
export function requestProblems(version, apiClass, method, parameters) {
    const name = `${apiClass}${method[0].toUpperCase()}${method.slice(1)}Request`;
    if (parameters === undefined || !exportsOf(version).some((s) => s.name === name)) {
        return [];
    }
    const type = modelType(version, name);
    const known = new Set(checker.getPropertiesOfType(type).map((p) => p.getName()));
    const unknown = Object.keys(parameters).filter((key) => !known.has(key)).map((key) => `${name}.${key}: not a parameter of ${method}`);
    return [...unknown, ...typeProblems(parameters, type, name)];
}

/** Every way the value departs from the type: missing required fields, wrong types, values outside an enum. */
export function typeProblems(value, type, where = 'response') {
    return problemsOf(value, type, where, 0);
}
