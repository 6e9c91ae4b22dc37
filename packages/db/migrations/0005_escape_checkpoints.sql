CREATE TABLE "escape_checkpoints" (
	"chain_id" bigint NOT NULL,
	"vault" text NOT NULL,
	"epoch" bigint NOT NULL,
	"root" text NOT NULL,
	"as_of_block" bigint NOT NULL,
	"command_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escape_checkpoints_chain_id_vault_epoch_pk" PRIMARY KEY("chain_id","vault","epoch")
);
--> statement-breakpoint
CREATE TABLE "escape_leaves" (
	"chain_id" bigint NOT NULL,
	"vault" text NOT NULL,
	"epoch" bigint NOT NULL,
	"account" text NOT NULL,
	"asset" text NOT NULL,
	"entitlement" numeric(78, 0) NOT NULL,
	"credited_at" numeric(78, 0) NOT NULL,
	"debited_at" numeric(78, 0) NOT NULL,
	"proof" jsonb NOT NULL,
	CONSTRAINT "escape_leaves_chain_id_vault_epoch_account_asset_pk" PRIMARY KEY("chain_id","vault","epoch","account","asset")
);
--> statement-breakpoint
CREATE INDEX "escape_leaves_account" ON "escape_leaves" USING btree ("account","chain_id","epoch");