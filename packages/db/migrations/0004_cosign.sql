CREATE TABLE "cosign_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"command_id" text NOT NULL,
	"kind" text NOT NULL,
	"account" text NOT NULL,
	"payload" text NOT NULL,
	"signature" text,
	"reason" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "command_signatures" (
	"command_id" text NOT NULL,
	"signer" text NOT NULL,
	"signature" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "command_signatures_command_id_signer_pk" PRIMARY KEY("command_id","signer")
);
--> statement-breakpoint
CREATE INDEX "cosign_decisions_command" ON "cosign_decisions" USING btree ("command_id","id");