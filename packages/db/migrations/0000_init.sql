CREATE TABLE "accounts" (
	"address" text PRIMARY KEY NOT NULL,
	"lock_state" text DEFAULT 'unlocked' NOT NULL,
	"lock_epoch" integer DEFAULT 0 NOT NULL,
	"lock_chains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"locked_chains" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"settled_pnl" numeric(78, 0) DEFAULT 0 NOT NULL,
	"position_sequence" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_checkpoints" (
	"chain_id" bigint PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chain_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chain_id" bigint NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"block_timestamp" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"address" text NOT NULL,
	"event_name" text NOT NULL,
	"args" jsonb NOT NULL,
	"observed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "collateral_balances" (
	"account" text NOT NULL,
	"chain_id" bigint NOT NULL,
	"asset" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collateral_balances_account_chain_id_asset_pk" PRIMARY KEY("account","chain_id","asset")
);
--> statement-breakpoint
CREATE TABLE "command_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"command_id" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"account" text NOT NULL,
	"dest_chain_id" bigint NOT NULL,
	"vault" text NOT NULL,
	"payload" text NOT NULL,
	"expiry" bigint NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"cause" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"publish_tx" text,
	"sequence" bigint,
	"vaa" text,
	"deliver_tx" text,
	"outcome" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insurance_fund" (
	"id" integer PRIMARY KEY NOT NULL,
	"balance" numeric(78, 0) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "liquidations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"lock_epoch" integer NOT NULL,
	"state" text NOT NULL,
	"debt" numeric(78, 0) NOT NULL,
	"penalty" numeric(78, 0) NOT NULL,
	"seizures" jsonb NOT NULL,
	"seized_value" numeric(78, 0) NOT NULL,
	"shortfall" numeric(78, 0) DEFAULT 0 NOT NULL,
	"insurance_covered" numeric(78, 0) DEFAULT 0 NOT NULL,
	"socialized_loss" numeric(78, 0) DEFAULT 0 NOT NULL,
	"closed_positions" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"account" text NOT NULL,
	"market" text NOT NULL,
	"size" numeric(78, 0) NOT NULL,
	"entry_price" numeric(78, 0) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "positions_account_market_pk" PRIMARY KEY("account","market")
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"chain_id" bigint NOT NULL,
	"feed" text NOT NULL,
	"symbol" text NOT NULL,
	"answer" numeric(78, 0) NOT NULL,
	"round_id" numeric(78, 0) NOT NULL,
	"updated_at" bigint NOT NULL,
	"block_number" bigint NOT NULL,
	CONSTRAINT "prices_chain_id_feed_pk" PRIMARY KEY("chain_id","feed")
);
--> statement-breakpoint
CREATE TABLE "valuation_blocks" (
	"chain_id" bigint PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"block_timestamp" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "withdrawals" (
	"chain_id" bigint NOT NULL,
	"request_id" bigint NOT NULL,
	"account" text NOT NULL,
	"asset" text NOT NULL,
	"amount" numeric(78, 0) NOT NULL,
	"recipient" text NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"limit" numeric(78, 0),
	"command_id" text,
	"requested_tx" text NOT NULL,
	"escrow_closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "withdrawals_chain_id_request_id_pk" PRIMARY KEY("chain_id","request_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "chain_events_key" ON "chain_events" USING btree ("chain_id","block_hash","log_index");--> statement-breakpoint
CREATE INDEX "chain_events_unprocessed" ON "chain_events" USING btree ("processed_at","chain_id","block_number","log_index");--> statement-breakpoint
CREATE INDEX "command_transitions_command" ON "command_transitions" USING btree ("command_id","id");--> statement-breakpoint
CREATE INDEX "commands_due" ON "commands" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "commands_account" ON "commands" USING btree ("account");--> statement-breakpoint
CREATE INDEX "withdrawals_account" ON "withdrawals" USING btree ("account");