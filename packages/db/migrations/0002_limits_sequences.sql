CREATE TABLE "limits_sequences" (
	"chain_id" bigint NOT NULL,
	"vault" text NOT NULL,
	"asset" text NOT NULL,
	"last_sequence" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "limits_sequences_chain_id_vault_asset_pk" PRIMARY KEY("chain_id","vault","asset")
);
