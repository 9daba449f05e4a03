import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1796240396013 implements MigrationInterface {
  name = 'Notifications1796240396013';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "notification" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" character varying(30) NOT NULL, "event_key" character varying(200) NOT NULL, "title" character varying(300) NOT NULL, "body" text NOT NULL, "entity_type" character varying(40), "entity_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_705b6c7cdf9b2c2ff7ac7872cb7" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_notification_user_created" ON "notification"  ("user_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_notification_event_user" ON "notification"  ("event_key", "user_id") `);
    await queryRunner.query(`CREATE TABLE "notification_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event_key" character varying(200) NOT NULL, "recipient_key" character varying(100) NOT NULL, "channel" character varying(20) NOT NULL, "kind" character varying(30) NOT NULL, "notification_id" uuid, "webhook_id" uuid, "address" character varying(500), "content" jsonb, "status" character varying(10) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, "provider_message_id" character varying(200), "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_109dea88c25343da49d86de6bfd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_notification_delivery_notification" ON "notification_delivery"  ("notification_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_notification_delivery_event_recipient_channel" ON "notification_delivery"  ("event_key", "recipient_key", "channel") `);
    await queryRunner.query(`CREATE TABLE "notification_preference" ("user_id" uuid NOT NULL, "kind" character varying(30) NOT NULL, "channels" character varying array NOT NULL, CONSTRAINT "PK_0f7529aefc65bd035491bb755bf" PRIMARY KEY ("user_id", "kind"))`);
    await queryRunner.query(`ALTER TABLE "app_user" ADD "language" character varying(2) NOT NULL DEFAULT 'id'`);
    await queryRunner.query(`ALTER TABLE "app_user" ADD "phone" character varying(16)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "phone"`);
    await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "language"`);
    await queryRunner.query(`DROP TABLE "notification_preference"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_notification_delivery_event_recipient_channel"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_notification_delivery_notification"`);
    await queryRunner.query(`DROP TABLE "notification_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_notification_event_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_notification_user_created"`);
    await queryRunner.query(`DROP TABLE "notification"`);
  }
}
