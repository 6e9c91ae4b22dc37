CREATE TABLE "position_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"market" text NOT NULL,
	"size" numeric(78, 0) NOT NULL,
	"entry_price" numeric(78, 0) NOT NULL,
	"sequence" bigint NOT NULL,
	"signature" text,
	"reference_ts" bigint NOT NULL,
	"applied_at" timestamp with time zone NOT NULL,
	"transitions_seen" bigint
);
--> statement-breakpoint
CREATE TABLE "reorg_removals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chain_id" bigint NOT NULL,
	"fork_block" bigint NOT NULL,
	"table_name" text NOT NULL,
	"row" jsonb NOT NULL,
	"reason" text NOT NULL,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chain_events" ADD COLUMN "transitions_seen" bigint;--> statement-breakpoint
CREATE INDEX "position_reports_applied" ON "position_reports" USING btree ("applied_at","id");--> statement-breakpoint
CREATE INDEX "reorg_removals_chain" ON "reorg_removals" USING btree ("chain_id","id");