// Pipedrive's official client, pointed at DealToLead. Tests call `as('rep').v2.DealsApi.getDeals({...})`: the SDK's
// own API class and method, unchanged; every answer is checked against the type that method declares.
import assert from 'node:assert/strict';
import pipedrive from 'pipedrive';
import { requestProblems, responseTypeOf, typeProblems } from './typings.mjs';

export const baseUrl = (process.env.DEALTOLEAD_URL ?? 'http://127.0.0.1:5080').replace(/\/+$/, '');

// The demo users' API tokens (README, "Demo users"): public, Development only.
export const tokens = {
    admin: '0000000000000000000000000000000000000a11',
    rep: '00000000000000000000000000000000000000e1',
    manager: '00000000000000000000000000000000000000e2',
    restricted: '00000000000000000000000000000000000000e3',
};

/** What the SDK rejects with: Pipedrive's error body (the SDK passes on the body, not the HTTP status). */
export class SdkRejection extends Error {
    constructor(method, body) {
        super(`${method} was refused: ${JSON.stringify(body)}`);
        this.body = body;
    }
}

// The SDK types these as Promise<string>, yet asks axios for an arraybuffer, so they always resolve to the raw bytes
// (a Buffer in Node) whatever the server sends: the bytes are what is checked.
const binaryAnswers = new Set(['v1 FilesApi.downloadFile']);

function checkedApi(version, className, instance) {
    return new Proxy(instance, {
        get(target, method) {
            const original = target[method];
            if (typeof original !== 'function' || typeof method !== 'string') {
                return original;
            }
            return async (...args) => {
                // A misspelt parameter is silently dropped by the SDK: the test would check nothing.
                assert.deepEqual(requestProblems(version, className, method, args[0]), [], `the test calls ${className}.${method} with parameters the SDK does not type`);
                let body;
                try {
                    body = await original.apply(target, args);
                } catch (error) {
                    if (error instanceof Error) throw error;
                    throw new SdkRejection(`${className}.${method}`, error);
                }
                if (binaryAnswers.has(`${version} ${className}.${method}`)) {
                    assert.ok(Buffer.isBuffer(body) || body instanceof ArrayBuffer, `${className}.${method} should answer with bytes`);
                    return body;
                }
                const problems = typeProblems(body, responseTypeOf(version, className, method), `${className}.${method}`);
                assert.deepEqual(problems, [], `the answer to ${version} ${className}.${method} departs from the SDK's typings`);
                return body;
            };
        },
    });
}

/** The SDK as one demo user: `.v1.LeadsApi`, `.v2.DealsApi`, … with typed checking of every answer. */
export function as(user) {
    const apiKey = tokens[user] ?? user;
    const client = {};
    for (const version of ['v1', 'v2']) {
        const sdk = pipedrive[version];
        const configuration = new sdk.Configuration({ apiKey, basePath: `${baseUrl}/api/${version}` });
        const instances = new Map();
        client[version] = new Proxy({}, {
            get(_, className) {
                if (!instances.has(className)) {
                    if (typeof sdk[className] !== 'function') throw new Error(`The SDK's ${version} has no ${String(className)}.`);
                    instances.set(className, checkedApi(version, className, new sdk[className](configuration)));
                }
                return instances.get(className);
            },
        });
    }
    return client;
}

/** Calls that must be refused: resolves to Pipedrive's error body, fails the test if the call succeeds. */
export async function refused(promise) {
    try {
        await promise;
    } catch (error) {
        if (error instanceof SdkRejection) return error.body;
        throw error;
    }
    assert.fail('the call was expected to be refused, and it succeeded');
}

let counter = 0;
/** A name no other test in this run uses. */
export const unique = (prefix) => `${prefix} ${process.pid}-${Date.now().toString(36)}-${++counter}`;
