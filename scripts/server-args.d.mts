/** Node's arguments for the production server (see server-args.mjs). */
export declare const SERVER_NODE_ARGS: string[];
