import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { Membership } from './membership';
import type { User } from './user';
import { uuidPrimaryKey } from './columns';

/**
 * Table `organizations` (migrations 20250301090200-createOrganizations and
 * 20250308100000-addStripeCustomerIdToOrganizations).
 */
export class Organization extends Model<InferAttributes<Organization>, InferCreationAttributes<Organization>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare slug: string;
  declare stripeCustomerId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare memberships?: NonAttribute<Membership[]>;
  declare members?: NonAttribute<User[]>;

  static initModel(sequelize: Sequelize): typeof Organization {
    Organization.init(
      {
        id: uuidPrimaryKey(),
        name: {
          type: DataTypes.STRING(200),
          allowNull: false,
        },
        slug: {
          type: DataTypes.STRING(63),
          allowNull: false,
          unique: true,
        },
        stripeCustomerId: {
          type: DataTypes.STRING(255),
          allowNull: true,
        },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'organizations', modelName: 'Organization', timestamps: true, underscored: true },
    );
    return Organization;
  }
}
