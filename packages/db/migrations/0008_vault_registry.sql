CREATE TABLE "registered_vaults" (
	"chain_id" bigint PRIMARY KEY NOT NULL,
	"vault" text NOT NULL,
	"deployment_block" bigint NOT NULL,
	"confirmations" integer NOT NULL,
	"transport" text NOT NULL,
	"status" text NOT NULL,
	"assets" jsonb NOT NULL,
	"registered_block" bigint NOT NULL,
	"status_block" bigint NOT NULL,
	"registrar" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
