import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MbgRules1796162433417 implements MigrationInterface {
  name = 'MbgRules1796162433417';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_bf3d98ce062c446baa4d667acc"`);
    await queryRunner.query(`CREATE TABLE "certificate" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "kind" character varying(20) NOT NULL, "number" character varying(80) NOT NULL, "valid_until" date NOT NULL, "commodity_codes" character varying array NOT NULL DEFAULT '{}', "region_code" character varying(20) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8daddfc65f59e341c2bbc9c9e43" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_68b552224192b429abf96931e5" ON "certificate"  ("valid_until") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f953adc54beaf0d75e1a4d91d5" ON "certificate"  ("organization_id", "kind", "number") `);
    await queryRunner.query(`CREATE TABLE "portion_record" ("kitchen_id" uuid NOT NULL, "date" date NOT NULL, "portions" integer NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_portion_record_portions" CHECK (portions > 0), CONSTRAINT "PK_0e3d06b73b17a3b173825583ffc" PRIMARY KEY ("kitchen_id", "date"))`);
    await queryRunner.query(`CREATE TABLE "demand_template" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kitchen_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "lines" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_29ede51a0994a7ac38adae44187" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9869b40a6cc4ab143f26926411" ON "demand_template"  ("kitchen_id", "name") `);
    await queryRunner.query(`ALTER TABLE "reference_price" ADD "kind" character varying(10) NOT NULL DEFAULT 'MARKET'`);
    // Prices seeded before kinds existed say what they are in their source.
    await queryRunner.query(`UPDATE "reference_price" SET "kind" = 'HET' WHERE "source" LIKE '%(HET)%'`);
    await queryRunner.query(`UPDATE "reference_price" SET "kind" = 'HAP' WHERE "source" LIKE '%(HAP)%'`);
    await queryRunner.query(`ALTER TABLE "market_policy" ADD "required_certificates" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "market_policy" ADD "min_suppliers_per_kitchen" integer NOT NULL DEFAULT '15'`);
    await queryRunner.query(`ALTER TABLE "market_policy" ADD "budget_per_portion" bigint NOT NULL DEFAULT '10000'`);
    await queryRunner.query(`ALTER TABLE "market_policy" ADD "diversity_tolerance" double precision`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_a5827a0d354bd2035038044d7c" ON "reference_price"  ("commodity_code", "region_code", "kind", "valid_from") `);
    await queryRunner.query(`ALTER TABLE "certificate" ADD CONSTRAINT "FK_3c150f88f50f4acfc635c9545fd" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "portion_record" ADD CONSTRAINT "FK_44910e71c2d08557b27a481093e" FOREIGN KEY ("kitchen_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "demand_template" ADD CONSTRAINT "FK_190b20a7b79c382e616b656f383" FOREIGN KEY ("kitchen_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "demand_template" DROP CONSTRAINT "FK_190b20a7b79c382e616b656f383"`);
    await queryRunner.query(`ALTER TABLE "portion_record" DROP CONSTRAINT "FK_44910e71c2d08557b27a481093e"`);
    await queryRunner.query(`ALTER TABLE "certificate" DROP CONSTRAINT "FK_3c150f88f50f4acfc635c9545fd"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a5827a0d354bd2035038044d7c"`);
    await queryRunner.query(`ALTER TABLE "market_policy" DROP COLUMN "diversity_tolerance"`);
    await queryRunner.query(`ALTER TABLE "market_policy" DROP COLUMN "budget_per_portion"`);
    await queryRunner.query(`ALTER TABLE "market_policy" DROP COLUMN "min_suppliers_per_kitchen"`);
    await queryRunner.query(`ALTER TABLE "market_policy" DROP COLUMN "required_certificates"`);
    await queryRunner.query(`ALTER TABLE "reference_price" DROP COLUMN "kind"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9869b40a6cc4ab143f26926411"`);
    await queryRunner.query(`DROP TABLE "demand_template"`);
    await queryRunner.query(`DROP TABLE "portion_record"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f953adc54beaf0d75e1a4d91d5"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_68b552224192b429abf96931e5"`);
    await queryRunner.query(`DROP TABLE "certificate"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_bf3d98ce062c446baa4d667acc" ON "reference_price" USING btree ("commodity_code", "region_code", "valid_from") `);
  }
}
