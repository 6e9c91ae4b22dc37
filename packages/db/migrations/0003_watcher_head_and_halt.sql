ALTER TABLE "chain_checkpoints" ADD COLUMN "head_block" bigint;--> statement-breakpoint
ALTER TABLE "chain_checkpoints" ADD COLUMN "head_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chain_checkpoints" ADD COLUMN "halted_reason" text;--> statement-breakpoint
ALTER TABLE "chain_checkpoints" ADD COLUMN "halted_at" timestamp with time zone;