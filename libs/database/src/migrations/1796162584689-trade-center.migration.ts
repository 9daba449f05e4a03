import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TradeCenter1796162584689 implements MigrationInterface {
  name = 'TradeCenter1796162584689';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "trade_contract" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "trade_center_id" uuid NOT NULL, "region_code" character varying(20) NOT NULL, "buyer_name" character varying(200) NOT NULL, "destination" character varying(300) NOT NULL, "commodity_code" character varying(40) NOT NULL, "min_grade" character varying(1) NOT NULL, "unit_price" bigint NOT NULL, "levy_rate_ppm" integer NOT NULL, "max_share_ppm" integer, "total_quantity" numeric(14,3) NOT NULL, "status" character varying(20) NOT NULL, "cancel_reason" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_trade_contract_cap" CHECK (max_share_ppm IS NULL OR (max_share_ppm > 0 AND max_share_ppm <= 1000000)), CONSTRAINT "CHK_trade_contract_levy" CHECK (levy_rate_ppm >= 0 AND levy_rate_ppm < 1000000), CONSTRAINT "PK_0a40566d33ab25cd7f59c2205f6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a7d203534882aa6da5b6bde7cb" ON "trade_contract"  ("number") `);
    await queryRunner.query(`CREATE INDEX "IDX_3e1a846bff8daa22908e9bf975" ON "trade_contract"  ("region_code", "created_at") `);
    await queryRunner.query(`CREATE TABLE "trade_shipment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "contract_id" uuid NOT NULL, "sequence" integer NOT NULL, "quantity" numeric(14,3) NOT NULL, "pledges_close_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consolidate_by" TIMESTAMP WITH TIME ZONE NOT NULL, "status" character varying(20) NOT NULL, "allotted_quantity" numeric(14,3) NOT NULL DEFAULT '0', "accepted_quantity" numeric(14,3) NOT NULL DEFAULT '0', "rounds" integer NOT NULL DEFAULT '0', "dispatched_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_trade_shipment_allotted" CHECK (allotted_quantity >= 0 AND allotted_quantity <= quantity), CONSTRAINT "CHK_trade_shipment_quantity" CHECK (quantity > 0), CONSTRAINT "PK_3040234c6b1830b971db551d1da" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_5b9294c1ccff6ce786fbe0d52b" ON "trade_shipment"  ("status", "pledges_close_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_89ab4984ca61579f6ddc18fd06" ON "trade_shipment"  ("contract_id", "sequence") `);
    await queryRunner.query(`CREATE TABLE "trade_pledge" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "cooperative_id" uuid NOT NULL, "stock_lot_id" uuid NOT NULL, "quantity" numeric(14,3) NOT NULL, "status" character varying(20) NOT NULL, "invalid_reason" character varying(40), "explanation_en" text, "explanation_id" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_trade_pledge_quantity" CHECK (quantity > 0), CONSTRAINT "PK_56e2f790e3a22aa002f134f5d80" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_806a4b3284fe5cf1da692ba31e" ON "trade_pledge"  ("stock_lot_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_ed60c83fc36302c7a9f034844e" ON "trade_pledge"  ("shipment_id", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_8d9046017bc1df5ef25b7aadd3" ON "trade_pledge"  ("cooperative_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_trade_pledge_standing_per_lot" ON "trade_pledge"  ("shipment_id", "stock_lot_id") WHERE status = 'PLEDGED'`);
    await queryRunner.query(`CREATE TABLE "trade_allotment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "pledge_id" uuid NOT NULL, "cooperative_id" uuid NOT NULL, "stock_lot_id" uuid NOT NULL, "round" integer NOT NULL, "quantity" numeric(14,3) NOT NULL, "status" character varying(20) NOT NULL, "accepted_quantity" numeric(14,3), "rejected_quantity" numeric(14,3), "rejection_reason" text, "gross_amount" bigint NOT NULL DEFAULT '0', "levy_amount" bigint NOT NULL DEFAULT '0', "net_amount" bigint NOT NULL DEFAULT '0', "explanation_en" text NOT NULL, "explanation_id" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE, "paid_at" TIMESTAMP WITH TIME ZONE, "payment_reference" character varying(120), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_trade_allotment_money" CHECK (gross_amount = levy_amount + net_amount AND levy_amount >= 0), CONSTRAINT "CHK_trade_allotment_receipt" CHECK (accepted_quantity IS NULL OR (accepted_quantity >= 0 AND rejected_quantity >= 0 AND accepted_quantity + rejected_quantity = quantity)), CONSTRAINT "CHK_trade_allotment_quantity" CHECK (quantity > 0), CONSTRAINT "PK_2eaddcb32bc557d933ab0d1edcf" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_2272cbf45e67a496a1ffa03056" ON "trade_allotment"  ("stock_lot_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_b9fe9a0318dccf2f875821a128" ON "trade_allotment"  ("cooperative_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_6a9a525d8841574cad3588134c" ON "trade_allotment"  ("shipment_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_4cb236b52ddcf741f0f7821307" ON "trade_allotment"  ("pledge_id", "round") `);
    await queryRunner.query(`CREATE TABLE "trade_levy_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "allotment_id" uuid NOT NULL, "contract_id" uuid NOT NULL, "cooperative_id" uuid NOT NULL, "region_code" character varying(20) NOT NULL, "accepted_quantity" numeric(14,3) NOT NULL, "gross_amount" bigint NOT NULL, "levy_amount" bigint NOT NULL, "net_amount" bigint NOT NULL, "payment_reference" character varying(120) NOT NULL, "booked_by" uuid NOT NULL, "booked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_trade_levy_entry_sum" CHECK (gross_amount = levy_amount + net_amount), CONSTRAINT "PK_6b1e935001e766163999f627936" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_fb6ea23930783c19e4f106ed6f" ON "trade_levy_entry"  ("allotment_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_6bbf0e7d777a0473bde45cff19" ON "trade_levy_entry"  ("contract_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_ebe1d431d7f1744449c3fb8f56" ON "trade_levy_entry"  ("region_code", "booked_at") `);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD "trade_allotment_id" uuid`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_9c970875083cd7e31f1887f6e92"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ALTER COLUMN "order_line_id" DROP NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_579e5f658d0202d9ce29b7071e" ON "consignment_payable"  ("trade_allotment_id") `);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "CHK_consignment_payable_source" CHECK ((order_line_id IS NULL) <> (trade_allotment_id IS NULL))`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_9c970875083cd7e31f1887f6e92" FOREIGN KEY ("order_line_id") REFERENCES "order_line"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_contract" ADD CONSTRAINT "FK_5c7e4d199bef690d7b777b20ad2" FOREIGN KEY ("trade_center_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_contract" ADD CONSTRAINT "FK_cc18979149951f04977d1d87284" FOREIGN KEY ("commodity_code") REFERENCES "commodity"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_shipment" ADD CONSTRAINT "FK_a665becaba72c1eca241325ca08" FOREIGN KEY ("contract_id") REFERENCES "trade_contract"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" ADD CONSTRAINT "FK_c25a7512d148343c3d29af8df1d" FOREIGN KEY ("shipment_id") REFERENCES "trade_shipment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" ADD CONSTRAINT "FK_3be3100efa7f80ccf587ec949b8" FOREIGN KEY ("cooperative_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" ADD CONSTRAINT "FK_806a4b3284fe5cf1da692ba31e9" FOREIGN KEY ("stock_lot_id") REFERENCES "stock_lot"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" ADD CONSTRAINT "FK_6a9a525d8841574cad3588134ce" FOREIGN KEY ("shipment_id") REFERENCES "trade_shipment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" ADD CONSTRAINT "FK_91f18869fe5e2a16b627f3d008f" FOREIGN KEY ("pledge_id") REFERENCES "trade_pledge"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" ADD CONSTRAINT "FK_119e88905ddec1d4654c5c7551f" FOREIGN KEY ("cooperative_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" ADD CONSTRAINT "FK_2272cbf45e67a496a1ffa03056a" FOREIGN KEY ("stock_lot_id") REFERENCES "stock_lot"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_levy_entry" ADD CONSTRAINT "FK_fb6ea23930783c19e4f106ed6f4" FOREIGN KEY ("allotment_id") REFERENCES "trade_allotment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "trade_levy_entry" ADD CONSTRAINT "FK_6bbf0e7d777a0473bde45cff19a" FOREIGN KEY ("contract_id") REFERENCES "trade_contract"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // The levy ledger is append-only: corrections are new entries, never edits.
    await queryRunner.query(`CREATE FUNCTION trade_levy_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'trade_levy_entry is append-only'; END $$`);
    await queryRunner.query(`CREATE TRIGGER trade_levy_entry_append_only BEFORE UPDATE OR DELETE ON "trade_levy_entry"
      FOR EACH ROW EXECUTE FUNCTION trade_levy_entry_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trade_levy_entry_append_only ON "trade_levy_entry"`);
    await queryRunner.query(`DROP FUNCTION trade_levy_entry_append_only()`);
    await queryRunner.query(`ALTER TABLE "trade_levy_entry" DROP CONSTRAINT "FK_6bbf0e7d777a0473bde45cff19a"`);
    await queryRunner.query(`ALTER TABLE "trade_levy_entry" DROP CONSTRAINT "FK_fb6ea23930783c19e4f106ed6f4"`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" DROP CONSTRAINT "FK_2272cbf45e67a496a1ffa03056a"`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" DROP CONSTRAINT "FK_119e88905ddec1d4654c5c7551f"`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" DROP CONSTRAINT "FK_91f18869fe5e2a16b627f3d008f"`);
    await queryRunner.query(`ALTER TABLE "trade_allotment" DROP CONSTRAINT "FK_6a9a525d8841574cad3588134ce"`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" DROP CONSTRAINT "FK_806a4b3284fe5cf1da692ba31e9"`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" DROP CONSTRAINT "FK_3be3100efa7f80ccf587ec949b8"`);
    await queryRunner.query(`ALTER TABLE "trade_pledge" DROP CONSTRAINT "FK_c25a7512d148343c3d29af8df1d"`);
    await queryRunner.query(`ALTER TABLE "trade_shipment" DROP CONSTRAINT "FK_a665becaba72c1eca241325ca08"`);
    await queryRunner.query(`ALTER TABLE "trade_contract" DROP CONSTRAINT "FK_cc18979149951f04977d1d87284"`);
    await queryRunner.query(`ALTER TABLE "trade_contract" DROP CONSTRAINT "FK_5c7e4d199bef690d7b777b20ad2"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_9c970875083cd7e31f1887f6e92"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "CHK_consignment_payable_source"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_579e5f658d0202d9ce29b7071e"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ALTER COLUMN "order_line_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_9c970875083cd7e31f1887f6e92" FOREIGN KEY ("order_line_id") REFERENCES "order_line"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP COLUMN "trade_allotment_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ebe1d431d7f1744449c3fb8f56"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6bbf0e7d777a0473bde45cff19"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fb6ea23930783c19e4f106ed6f"`);
    await queryRunner.query(`DROP TABLE "trade_levy_entry"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4cb236b52ddcf741f0f7821307"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6a9a525d8841574cad3588134c"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b9fe9a0318dccf2f875821a128"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2272cbf45e67a496a1ffa03056"`);
    await queryRunner.query(`DROP TABLE "trade_allotment"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_trade_pledge_standing_per_lot"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8d9046017bc1df5ef25b7aadd3"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ed60c83fc36302c7a9f034844e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_806a4b3284fe5cf1da692ba31e"`);
    await queryRunner.query(`DROP TABLE "trade_pledge"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_89ab4984ca61579f6ddc18fd06"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5b9294c1ccff6ce786fbe0d52b"`);
    await queryRunner.query(`DROP TABLE "trade_shipment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3e1a846bff8daa22908e9bf975"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a7d203534882aa6da5b6bde7cb"`);
    await queryRunner.query(`DROP TABLE "trade_contract"`);
  }
}
