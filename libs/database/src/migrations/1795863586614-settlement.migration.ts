import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Settlement1795863586614 implements MigrationInterface {
  name = 'Settlement1795863586614';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_9a44ee83d39d4fac50e5a04b9d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f2c3b587357156a6727ecde7f3"`);
    await queryRunner.query(`CREATE TABLE "invoice" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" character varying(40) NOT NULL, "order_id" uuid NOT NULL, "cooperative_id" uuid NOT NULL, "kitchen_id" uuid NOT NULL, "market_code" character varying(20) NOT NULL, "total" bigint NOT NULL, "paid" bigint NOT NULL DEFAULT '0', "status" character varying(20) NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_invoice_paid" CHECK (paid >= 0 AND paid <= total), CONSTRAINT "PK_15d25c200d9bcd8a33f698daf18" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_60284980bc8b9c624459948f4a" ON "invoice"  ("number") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_1e74a9888e5e228184769ba3df" ON "invoice"  ("order_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_87370bb134144fd673ecbbafee" ON "invoice"  ("market_code", "issued_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_b063a341818ddae8ffd4138cd4" ON "invoice"  ("cooperative_id", "issued_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_982752d15ec9ce0f041559cb6a" ON "invoice"  ("kitchen_id", "issued_at") `);
    await queryRunner.query(`CREATE TABLE "payment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "invoice_id" uuid NOT NULL, "amount" bigint NOT NULL, "reference" character varying(120) NOT NULL, "recorded_by" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_payment_amount" CHECK (amount > 0), CONSTRAINT "PK_fcaec7df5adf9cac408c686b2ab" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_20cc84d8a2274ae86f551360c1" ON "payment"  ("invoice_id") `);
    await queryRunner.query(`CREATE TABLE "consignment_payable" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "consignor_id" uuid NOT NULL, "cooperative_id" uuid NOT NULL, "stock_lot_id" uuid NOT NULL, "order_line_id" uuid NOT NULL, "market_code" character varying(20) NOT NULL, "quantity" numeric(14,3) NOT NULL, "amount" bigint NOT NULL, "status" character varying(20) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "paid_at" TIMESTAMP WITH TIME ZONE, "settlement_reference" character varying(120), CONSTRAINT "PK_e7672189640fde0455e005788e8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_7e0fdbcfaf7c15201b78f36892" ON "consignment_payable"  ("stock_lot_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9c970875083cd7e31f1887f6e9" ON "consignment_payable"  ("order_line_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_b892b93c2e3839d4f90d52b94e" ON "consignment_payable"  ("consignor_id", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_4b1108aeca7559d78a1313a00e" ON "consignment_payable"  ("cooperative_id", "status") `);
    await queryRunner.query(`CREATE TABLE "shortfall" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "source" character varying(20) NOT NULL, "source_id" uuid NOT NULL, "demand_line_id" uuid NOT NULL, "excluded_cooperative_id" uuid NOT NULL, "quantity" numeric(14,3) NOT NULL, "status" character varying(20) NOT NULL, "reawarded_quantity" numeric(14,3) NOT NULL DEFAULT '0', "retender_demand_id" uuid, "outcome" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_99233c355da9f405d1403b438d0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_55d3019efbadb219d32781bfd8" ON "shortfall"  ("source", "source_id", "demand_line_id") `);
    await queryRunner.query(`CREATE TABLE "alert" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_code" character varying(20) NOT NULL, "kind" character varying(40) NOT NULL, "entity_id" uuid NOT NULL, "message_en" text NOT NULL, "message_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ad91cad659a3536465d564a4b2f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_caafd6d7aef1a16b9b520f6b68" ON "alert"  ("region_code", "created_at") `);
    await queryRunner.query(`ALTER TABLE "stock_lot" ADD "returned_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "stock_lot" ADD "return_note" text`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "shortfall_id" uuid`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "late" boolean`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "decline_reason" text`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "inspector_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "temperature_celsius" double precision`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "photo_url" character varying(500)`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "inspection_notes" text`);
    await queryRunner.query(`ALTER TABLE "purchase_order" ADD "attention_reason" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_purchase_order_reaward" ON "purchase_order"  ("shortfall_id", "cooperative_id") WHERE shortfall_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_purchase_order_award" ON "purchase_order"  ("demand_id", "cooperative_id") WHERE shortfall_id IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_f2c3b587357156a6727ecde7f3" ON "order_line"  ("offer_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_order_line_offer_per_order" ON "order_line"  ("order_id", "offer_id") `);
    await queryRunner.query(`ALTER TABLE "order_line" ADD CONSTRAINT "CHK_order_line_receipt" CHECK (accepted_quantity IS NULL OR (accepted_quantity >= 0 AND rejected_quantity >= 0 AND accepted_quantity + rejected_quantity = quantity))`);
    await queryRunner.query(`ALTER TABLE "invoice" ADD CONSTRAINT "FK_1e74a9888e5e228184769ba3dfd" FOREIGN KEY ("order_id") REFERENCES "purchase_order"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "invoice" ADD CONSTRAINT "FK_438843f0c7584dbc715147148a4" FOREIGN KEY ("cooperative_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "invoice" ADD CONSTRAINT "FK_3d51d6e7df33b206caf8dc45b7a" FOREIGN KEY ("kitchen_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "payment" ADD CONSTRAINT "FK_20cc84d8a2274ae86f551360c11" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_b1ccdfed18bd436e5b9217f7890" FOREIGN KEY ("consignor_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_eece37ee77cdc76427720e6830f" FOREIGN KEY ("cooperative_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_7e0fdbcfaf7c15201b78f368929" FOREIGN KEY ("stock_lot_id") REFERENCES "stock_lot"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" ADD CONSTRAINT "FK_9c970875083cd7e31f1887f6e92" FOREIGN KEY ("order_line_id") REFERENCES "order_line"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "shortfall" ADD CONSTRAINT "FK_209549094e68c13d341f36a2edf" FOREIGN KEY ("demand_line_id") REFERENCES "demand_line"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "shortfall" DROP CONSTRAINT "FK_209549094e68c13d341f36a2edf"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_9c970875083cd7e31f1887f6e92"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_7e0fdbcfaf7c15201b78f368929"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_eece37ee77cdc76427720e6830f"`);
    await queryRunner.query(`ALTER TABLE "consignment_payable" DROP CONSTRAINT "FK_b1ccdfed18bd436e5b9217f7890"`);
    await queryRunner.query(`ALTER TABLE "payment" DROP CONSTRAINT "FK_20cc84d8a2274ae86f551360c11"`);
    await queryRunner.query(`ALTER TABLE "invoice" DROP CONSTRAINT "FK_3d51d6e7df33b206caf8dc45b7a"`);
    await queryRunner.query(`ALTER TABLE "invoice" DROP CONSTRAINT "FK_438843f0c7584dbc715147148a4"`);
    await queryRunner.query(`ALTER TABLE "invoice" DROP CONSTRAINT "FK_1e74a9888e5e228184769ba3dfd"`);
    await queryRunner.query(`ALTER TABLE "order_line" DROP CONSTRAINT "CHK_order_line_receipt"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_order_line_offer_per_order"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f2c3b587357156a6727ecde7f3"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_purchase_order_award"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_purchase_order_reaward"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "attention_reason"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "inspection_notes"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "photo_url"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "temperature_celsius"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "inspector_name"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "decline_reason"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "late"`);
    await queryRunner.query(`ALTER TABLE "purchase_order" DROP COLUMN "shortfall_id"`);
    await queryRunner.query(`ALTER TABLE "stock_lot" DROP COLUMN "return_note"`);
    await queryRunner.query(`ALTER TABLE "stock_lot" DROP COLUMN "returned_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_caafd6d7aef1a16b9b520f6b68"`);
    await queryRunner.query(`DROP TABLE "alert"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_55d3019efbadb219d32781bfd8"`);
    await queryRunner.query(`DROP TABLE "shortfall"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4b1108aeca7559d78a1313a00e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b892b93c2e3839d4f90d52b94e"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9c970875083cd7e31f1887f6e9"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7e0fdbcfaf7c15201b78f36892"`);
    await queryRunner.query(`DROP TABLE "consignment_payable"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_20cc84d8a2274ae86f551360c1"`);
    await queryRunner.query(`DROP TABLE "payment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_982752d15ec9ce0f041559cb6a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b063a341818ddae8ffd4138cd4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_87370bb134144fd673ecbbafee"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1e74a9888e5e228184769ba3df"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_60284980bc8b9c624459948f4a"`);
    await queryRunner.query(`DROP TABLE "invoice"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f2c3b587357156a6727ecde7f3" ON "order_line" USING btree ("offer_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9a44ee83d39d4fac50e5a04b9d" ON "purchase_order" USING btree ("demand_id", "cooperative_id") `);
  }
}
